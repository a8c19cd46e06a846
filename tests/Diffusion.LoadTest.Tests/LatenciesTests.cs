using Diffusion.LoadTest.Load;
using Diffusion.LoadTest.Reporting;

namespace Diffusion.LoadTest.Tests;

public sealed class LatenciesTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"latency-{Guid.NewGuid():N}.hlog");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task RecordingFromManyThreadsAtOnce_CountsEveryCallOnce()
    {
        // Workers record each call as it completes, on whichever thread completed it, while the pump flushes an
        // interval every few milliseconds here. Every call must be counted once, in the totals and in the log.
        const int Threads = 8, PerThread = 250_000;
        var started = Clock.NowMicros();
        var latencies = new Latencies(_path, TimeSpan.FromMilliseconds(5));
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                latencies.Record("reserve", started - (i % 1_000) * 100);
            }
        })));

        await latencies.DisposeAsync(); // flushes the last interval

        Assert.Equal(Threads * PerThread, latencies.Totals["reserve"].TotalCount);

        var logged = LatencyLog.Read(_path).Where(i => i.Kind == "reserve").Sum(i => i.Histogram.TotalCount);
        Assert.Equal(Threads * PerThread, logged);
    }
}
