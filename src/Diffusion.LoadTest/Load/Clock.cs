using System.Diagnostics;

namespace Diffusion.LoadTest.Load;

/// <summary>
/// The worker's wall clock in microseconds since the Unix epoch: read once from the system clock at start and advanced
/// by the monotonic Stopwatch, so intervals are exact and a clock adjustment mid-run does not bend the history.
/// </summary>
internal static class Clock
{
    private static readonly long StartMicros = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
    private static readonly long StartTimestamp = Stopwatch.GetTimestamp();

    public static long NowMicros() => StartMicros + (long)Stopwatch.GetElapsedTime(StartTimestamp).TotalMicroseconds;

    public static long Micros(DateTimeOffset instant) => (instant - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset Instant(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);

    /// <summary>Waits until <paramref name="micros"/> on this clock (returns at once if it has passed).</summary>
    public static Task WaitUntilAsync(long micros, CancellationToken cancellationToken)
    {
        var wait = micros - NowMicros();
        return wait <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromMicroseconds(wait), cancellationToken);
    }
}
