namespace Diffusion.Decisions.Tests.Streaming;

/// <summary>How many requests a test server has been sent (to see how many orders Decisions classified).</summary>
public sealed class CallCounter
{
    private long count;

    public long Count => Interlocked.Read(ref count);

    public void Increment() => Interlocked.Increment(ref count);
}
