using System.Diagnostics;
using Diffusion.Rules;
using Diffusion.EndUsers.Screening.Matching;

namespace Diffusion.Benchmarks.Screening;

/// <summary>
/// Restricted-party screening in process: one party name against lists of growing size (the shipped sample, then
/// synthetic CSL-sized lists of made-up company names with aliases), by PartyScreener (normalisation + Jaro-Winkler
/// over every name and alias). Baseline, same run: the exact lookup of the normalised name in a hash set of the
/// list's normalised names (what a matcher without fuzziness costs). Prints screens/s, the ratio, and p50/p99.
/// </summary>
internal sealed class ScreeningBenchmark : IBenchmark
{
    private static readonly string[] Words =
    [
        "advanced", "micro", "systems", "technology", "information", "industry", "electronics", "semiconductor", "cloud",
        "compute", "digital", "network", "global", "trading", "logistics", "precision", "quantum", "data", "energy", "vision",
        "shenzhen", "shanghai", "beijing", "dubai", "moscow", "tehran", "hong", "kong", "nanjing", "wuhan",
    ];

    public string Name => "screening";

    public string Description => "screening [seconds-per-size] [sizes...]: one name vs lists of N entries, ratio to an exact hash lookup";

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var sizes = args.Length > 1 ? args[1..].Select(int.Parse).ToArray() : [0, 1_000, 30_000];
        var queries = new[] { "Kuala Lumpur Cloud Sdn Bhd", "Huawei Technologies Co., Ltd.", "Nettrix Informaton Industry (Beijing)", "Global Data Trading FZE" };
        Console.WriteLine($"screening benchmark: {seconds} s per size, threshold 0.90, {queries.Length} query names in turn");
        Console.WriteLine("| entries (names+aliases) | exact lookup /s | screen /s | ratio | screen p50 | screen p99 |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var size in sizes)
        {
            var list = List(size);
            var screener = new PartyScreener(list);
            var exact = list.Entries.SelectMany(e => new[] { e.Name }.Concat(e.AltNames)).Select(PartyName.Normalize).ToHashSet(StringComparer.Ordinal);
            var names = exact.Count;

            var baseline = Rate(seconds, i => exact.Contains(PartyName.Normalize(queries[i % queries.Length])) ? 1 : 0, out _);
            var screen = Rate(seconds, i => screener.Screen([new ScreenedParty("consignee", queries[i % queries.Length], "", "")], 0.90).Count, out var latencies);
            latencies.Sort();
            Console.WriteLine($"| {list.Entries.Count:N0} ({names:N0}) | {baseline:N0} | {screen:N0} | {screen / baseline:0.0000}x | " +
                $"{Ms(latencies[latencies.Count / 2])} | {Ms(latencies[(int)(latencies.Count * 0.99)])} |");
        }

        return Task.FromResult(0);
    }

    // Calls per second over about `seconds`, and each call's ticks.
    private static double Rate(double seconds, Func<int, int> call, out List<long> latencies)
    {
        latencies = [];
        var sink = 0;
        var total = Stopwatch.StartNew();
        var i = 0;
        while (total.Elapsed.TotalSeconds < seconds)
        {
            var one = Stopwatch.GetTimestamp();
            sink += call(i++);
            latencies.Add(Stopwatch.GetTimestamp() - one);
        }

        GC.KeepAlive(sink);
        return i / total.Elapsed.TotalSeconds;
    }

    private static string Ms(long ticks) => $"{ticks * 1000.0 / Stopwatch.Frequency:0.000} ms";

    // The shipped sample plus `extra` made-up entries of 2-4 words with one alias each (seeded, so every run is alike).
    private static RestrictedPartyList List(int extra)
    {
        var shipped = CslFormat.ParseJson(File.ReadAllBytes(Path.Combine(RulesDirectory.Locate(), "restricted-parties.json")), null);
        var random = new Random(14);
        var entries = shipped.Entries.ToList();
        for (var i = 0; i < extra; i++)
        {
            var name = string.Join(' ', Enumerable.Range(0, random.Next(2, 5)).Select(_ => Words[random.Next(Words.Length)])) + $" {i} Co., Ltd.";
            entries.Add(new RestrictedParty($"synthetic-{i}", "Entity List (EL) - Bureau of Industry and Security", name,
                [name.Split(' ')[0] + " " + i], [], [], "", "", "", "", ""));
        }

        return new RestrictedPartyList(shipped.PublishedAt, entries);
    }
}
