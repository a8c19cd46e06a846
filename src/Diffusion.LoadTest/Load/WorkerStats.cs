using System.Collections.Concurrent;
using Grpc.Core;

namespace Diffusion.LoadTest.Load;

/// <summary>Counters for the console's progress line: calls completed per kind and final statuses.</summary>
internal sealed class WorkerStats
{
    private readonly ConcurrentDictionary<(string Op, StatusCode Status), long> _final = new();
    private long _attempts;
    private long _flows;

    public long Attempts => Interlocked.Read(ref _attempts);

    public long FlowsDone => Interlocked.Read(ref _flows);

    public void Attempted(string op, StatusCode status) => Interlocked.Increment(ref _attempts);

    public void Completed(string op, StatusCode status) => _final.AddOrUpdate((op, status), 1, (_, n) => n + 1);

    public void FlowDone() => Interlocked.Increment(ref _flows);

    /// <summary>Calls whose final answer was an error other than the ones the mix asks for (hostile orders' INVALID_ARGUMENT).</summary>
    public long Errors => _final.Where(f => f.Key.Status != StatusCode.OK && f.Key.Op != History.Ops.Hostile).Sum(f => f.Value);
}
