using System.Globalization;

namespace Diffusion.LoadTest.Faults;

/// <summary>A fault to inject <paramref name="At"/> after the load starts.</summary>
internal sealed record PlannedFault(string Kind, TimeSpan At);

/// <summary>
/// The faults of a run, written <c>kill-redis@20s,kill-quota@40s,restart-postgres@60s</c>:
/// <list type="bullet">
/// <item><c>kill-redis</c>: SIGKILL to redis-server (it comes back empty; Quota rebuilds it from the ledger).</item>
/// <item><c>kill-quota</c>: SIGKILL to one Quota replica's process (the service itself, not its <c>dotnet run</c> wrapper).</item>
/// <item><c>restart-postgres</c>: SIGQUIT to the postmaster, PostgreSQL's immediate shutdown: no checkpoint, every
/// connection dropped, crash recovery from the WAL when it starts again.</item>
/// </list>
/// The orchestrator (the AppHost's restarter, or Kubernetes) brings each process back; the injector only breaks things.
/// </summary>
internal static class FaultPlan
{
    public const string KillRedis = "kill-redis", KillQuota = "kill-quota", RestartPostgres = "restart-postgres";

    public static readonly IReadOnlyList<string> Kinds = [KillRedis, KillQuota, RestartPostgres];

    /// <summary>Parses a plan; throws <see cref="FormatException"/> naming the part that is wrong.</summary>
    public static IReadOnlyList<PlannedFault> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var faults = new List<PlannedFault>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = part.IndexOf('@', StringComparison.Ordinal);
            var kind = at < 0 ? part : part[..at];
            if (!Kinds.Contains(kind))
            {
                throw new FormatException($"--faults: '{part}': the fault must be one of {string.Join(", ", Kinds)}");
            }

            var when = at < 0 ? "" : part[(at + 1)..].TrimEnd('s');
            if (!double.TryParse(when, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || seconds > 86_400)
            {
                throw new FormatException($"--faults: '{part}': write the time after the start in seconds, e.g. {kind}@30s");
            }

            faults.Add(new PlannedFault(kind, TimeSpan.FromSeconds(seconds)));
        }

        return [.. faults.OrderBy(f => f.At)];
    }
}
