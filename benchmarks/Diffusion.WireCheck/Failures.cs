using System.Collections.Concurrent;

namespace Diffusion.WireCheck;

/// <summary>A call that failed: a short kind (e.g. <c>Reserve Unavailable</c>, <c>Commit state Pending</c>) and its detail.</summary>
internal readonly record struct Failure(string Kind, string Detail);

/// <summary>Every failed call of a run, counted by kind, with the first few in full. Any failure fails the run.</summary>
internal sealed class Failures
{
    private const int ExamplesKept = 5;
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Failure> _examples = new();

    public long Total => _counts.Values.Sum();

    public void Record(Failure failure)
    {
        _counts.AddOrUpdate(failure.Kind, 1, (_, count) => count + 1);
        if (_examples.Count < ExamplesKept)
        {
            _examples.Enqueue(failure);
        }
    }

    public void Print(TextWriter output)
    {
        foreach (var (kind, count) in _counts.OrderByDescending(c => c.Value))
        {
            output.WriteLine($"  {count:N0} x {kind}");
        }

        foreach (var example in _examples)
        {
            output.WriteLine($"  e.g. {example.Kind}: {example.Detail}");
        }
    }
}
