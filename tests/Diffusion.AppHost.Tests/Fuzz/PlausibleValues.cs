using Google.Protobuf.Reflection;

namespace Diffusion.AppHost.Tests.Fuzz;

/// <summary>
/// Values a real client would send, chosen by the field's name, so that most requests pass validation and reach the
/// stores and the other services (a fuzzer that only sent noise would test only the first check). Ids come from a small
/// pool per run, so requests meet each other's state: a Commit finds a Reserve, a RecordDeployment a registered VEU.
/// The pools never name the reference order or VEU the test compares before and after.
/// </summary>
internal sealed class PlausibleValues(string run, IReadOnlyList<string> knownChips)
{
    private static readonly string[] Countries = ["AE", "IN", "US", "CN", "MO", "DE", "SA", "BR", "GB", "ZZ", "", "ae"];
    private static readonly string[] RuleSets = ["", "", "acr-2023", "aid-2025", "aid-2026", "acr-2026", "nope-2099"];
    private static readonly string[] Words = ["", "Acme Servers Inc.", "AI training cluster", "tensor", "FP8", "fuzz"];
    private static readonly double[] Figures = [0, 0.5, 1, 10, 100, 800, 989.4, 1_000, 1_979, 4_800, 5_000, 16_000, 1e6];
    private static readonly double[] Operations = [0, 1e24, 1e25, 9.9e25, 1e26, 1.5e26, 1e27];
    private static readonly double[] Shares = [0, 0.1, 0.5, 1];

    public string String(FieldDescriptor field, Random random)
    {
        var name = field.Name;
        if (name.Contains("country", StringComparison.Ordinal))
        {
            return Pick(random, Countries);
        }

        if (name is "rule_set" or "rule_sets")
        {
            return Pick(random, RuleSets);
        }

        if (name == "known_chip" || name == "name" && field.ContainingType.Name == "ChipSpec")
        {
            return knownChips.Count > 0 && random.Next(5) > 0 ? Pick(random, knownChips) : "Fuzz Chip 9000";
        }

        if (name is "bucket_id" or "prefix")
        {
            return random.Next(4) switch
            {
                0 => $"country/{Pick(random, Countries)}/2025-2027",
                1 => $"lpp/{Id(random)}/2026",
                2 => $"nveu/{Id(random)}/{Pick(random, Countries)}",
                _ => name == "prefix" ? Pick(random, ["", "country/", "lpp/", $"lpp/fuzz-{run}"]) : $"lpp/{Id(random)}/2027",
            };
        }

        if (name == "id" || name.EndsWith("_id", StringComparison.Ordinal))
        {
            return random.Next(20) == 0 ? "" : Id(random);
        }

        return Pick(random, Words);
    }

    public double Double(FieldDescriptor field, Random random) =>
        field.Name.Contains("share", StringComparison.Ordinal) ? Pick(random, Shares)
        : field.Name.Contains("operations", StringComparison.Ordinal) ? Pick(random, Operations)
        : random.Next(4) == 0 ? random.NextDouble() * 5_000 : Pick(random, Figures);

    public long Int64(FieldDescriptor field, Random random) =>
        field.Name == "cap" ? Pick<long>(random, [0, 1_000, 1_000_000, 790_000_000]) : Pick<long>(random, [1, 10, 989, 1_000, 50_000, 1_000_000]);

    public uint UInt32(FieldDescriptor field, Random random) => field.Name switch
    {
        "bit_length" => Pick<uint>(random, [4, 8, 16, 32, 64]),
        "ttl_seconds" => Pick<uint>(random, [0, 1, 60, 3_600]),
        _ => Pick<uint>(random, [0, 1, 2, 8, 100, 1_000]),
    };

    /// <summary>Seconds since the epoch for a timestamp: a day in 2024-2027, where the rule sets are in force.</summary>
    public static long Seconds(Random random) =>
        new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds() + random.NextInt64(4L * 365 * 86_400);

    private string Id(Random random) => $"fuzz-{run}-{random.Next(8)}";

    private static T Pick<T>(Random random, IReadOnlyList<T> values) => values[random.Next(values.Count)];
}
