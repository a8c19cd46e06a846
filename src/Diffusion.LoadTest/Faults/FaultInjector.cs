using System.Runtime.InteropServices;
using System.Text.Json;
using Diffusion.LoadTest.Load;
using Diffusion.Quota.V1;
using Grpc.Core;

namespace Diffusion.LoadTest.Faults;

/// <summary>
/// Injects the planned faults by signal into processes below <paramref name="systemRoot"/> (the AppHost's pid, or
/// any ancestor of the system's processes that is not an ancestor of another system's), and records in faults.jsonl
/// when each happened, when the orchestrator had the process running again, and when Quota served again: a GetBalance
/// on <paramref name="probeBucket"/> answers only once Redis is rebuilt and the ledger reachable.
/// </summary>
internal sealed partial class FaultInjector(int systemRoot, QuotaService.QuotaServiceClient quota, string probeBucket, string outputFile, int seed, TextWriter progress)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public async Task<IReadOnlyList<FaultRecord>> RunAsync(IReadOnlyList<PlannedFault> plan, CancellationToken cancellationToken)
    {
        var start = Clock.NowMicros();
        var random = new Random(seed);
        var records = new List<FaultRecord>();
        await using var file = new StreamWriter(outputFile, append: true);
        foreach (var fault in plan)
        {
            await Clock.WaitUntilAsync(start + (long)fault.At.TotalMicroseconds, cancellationToken);
            var record = await InjectAsync(fault.Kind, random, cancellationToken);
            records.Add(record);
            await file.WriteLineAsync(JsonSerializer.Serialize(record, FaultJson.Default.FaultRecord));
            await file.FlushAsync(cancellationToken);
            await progress.WriteLineAsync(Describe(record));
        }

        return records;
    }

    private async Task<FaultRecord> InjectAsync(string kind, Random random, CancellationToken cancellationToken)
    {
        var before = ProcessTree.Below(systemRoot);
        var candidates = before.Where(p => Matches(kind, p, before)).ToList();
        if (candidates.Count == 0 || (kind != FaultPlan.KillQuota && candidates.Count > 1))
        {
            return new FaultRecord
            {
                Fault = kind,
                Signal = "",
                InjectedMicros = Clock.NowMicros(),
                Error = $"{candidates.Count} matching processes below pid {systemRoot}",
            };
        }

        var victim = candidates[random.Next(candidates.Count)];
        var (signal, number) = kind == FaultPlan.RestartPostgres ? ("QUIT", 3) : ("KILL", 9);
        var injected = Clock.NowMicros();
        if (Kill(victim.Pid, number) != 0)
        {
            return new FaultRecord { Fault = kind, Pid = victim.Pid, Signal = signal, InjectedMicros = injected, Error = $"kill({victim.Pid}, SIG{signal}) failed: errno {Marshal.GetLastPInvokeError()}" };
        }

        var until = DateTime.UtcNow + Patience;
        long? back = null;
        long? recovered = null;
        while (DateTime.UtcNow < until && (back is null || recovered is null))
        {
            await Task.Delay(50, cancellationToken);
            if (back is null)
            {
                var now = ProcessTree.Below(systemRoot);
                var again = now.Where(p => p.Pid != victim.Pid && Matches(kind, p, now)).Count();
                if (again >= candidates.Count && !now.Any(p => p.Pid == victim.Pid))
                {
                    back = Clock.NowMicros();
                }
            }

            if (back is not null && recovered is null && await ServesAsync(cancellationToken))
            {
                recovered = Clock.NowMicros();
            }
        }

        return new FaultRecord { Fault = kind, Pid = victim.Pid, Signal = signal, InjectedMicros = injected, ProcessBackMicros = back, RecoveredMicros = recovered };
    }

    private static bool Matches(string kind, ProcessInfo p, IReadOnlyList<ProcessInfo> all) => kind switch
    {
        FaultPlan.KillRedis => p.Executable == "redis-server",
        // The service process, not the `dotnet run` wrapper that AppHost starts it through.
        FaultPlan.KillQuota => p.CommandLine.Contains("Diffusion.Quota", StringComparison.Ordinal)
            && !p.CommandLine.Contains(".csproj", StringComparison.Ordinal) && !p.CommandLine.Contains(" run ", StringComparison.Ordinal),
        // The postmaster: a postgres whose parent is not a postgres (its backends rename themselves "postgres: ...").
        _ => p.Executable == "postgres" && all.FirstOrDefault(q => q.Pid == p.ParentPid) is not { Executable: "postgres" },
    };

    private async Task<bool> ServesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await quota.GetBalanceAsync(new GetBalanceRequest { BucketId = probeBucket }, deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
            await quota.ListBucketsAsync(new ListBucketsRequest { Prefix = probeBucket }, deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
            return true;
        }
        catch (RpcException)
        {
            return false;
        }
    }

    public static string Describe(FaultRecord r) => r.Error is not null
        ? $"fault {r.Fault}: not injected ({r.Error})"
        : $"fault {r.Fault}: SIG{r.Signal} to pid {r.Pid}; process back after {Seconds(r.ProcessBackMicros, r.InjectedMicros)}, serving again after {Seconds(r.RecoveredMicros, r.InjectedMicros)}";

    private static string Seconds(long? at, long from) =>
        at is { } t ? ((t - from) / 1e6).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " s" : "(not within 3 min)";

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
