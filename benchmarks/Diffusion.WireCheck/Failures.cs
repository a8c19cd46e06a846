using System.Collections.Concurrent;

namespace Diffusion.WireCheck;

/// <summary>A call that failed: a short kind (e.g. <c>Reserve Unavailable</c>, <c>Commit state Pending</c>) and its detail.</summary>
internal readonly record struct Failure(string Kind, string Detail);

/// <summary>Every failed call of a run, counted by kind, with the first detail of each kind. Any failure fails the run.</summary>
internal sealed class Failures
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _firstDetail = new(StringComparer.Ordinal);

    public long Total => _counts.Values.Sum();

    public void Record(Failure failure)
    {
        _counts.AddOrUpdate(failure.Kind, 1, (_, count) => count + 1);
        _firstDetail.TryAdd(failure.Kind, failure.Detail);
    }

    public void Print(TextWriter output)
    {
        foreach (var (kind, count) in _counts.OrderByDescending(c => c.Value))
        {
            output.WriteLine($"  {count:N0} x {kind}, the first: {_firstDetail[kind]}");
        }
    }
}
