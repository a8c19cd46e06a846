using Diffusion.LoadTest.History;
using Grpc.Core;

namespace Diffusion.LoadTest.Load;

/// <summary>
/// Makes one logical call as a careful client does: each attempt goes into the history; a failure that is not an
/// answer (UNAVAILABLE, a deadline...) is retried with the same id after a backoff, until an answer or the retry
/// budget runs out. The latency recorded is the whole call's, from its intended start (open loop: the scheduled
/// send time, so time spent waiting to be sent counts, wrk2's lesson on coordinated omission) to the final answer.
/// </summary>
internal sealed class Calls(HistoryWriter history, Latencies latencies, WorkerStats stats, string worker, TimeSpan deadline, TimeSpan retryFor)
{
    /// <summary>True while warming up: calls go into the history but not into the latency figures.</summary>
    public bool WarmingUp { get; set; }

    /// <summary>Runs <paramref name="call"/>; <paramref name="describe"/> turns an attempt's answer (null on error) into its history line.</summary>
    /// <returns>The answer, or null with the last status when none came.</returns>
    public async Task<(T? Answer, StatusCode Status)> RunAsync<T>(
        string op,
        string id,
        long intendedMicros,
        Func<CallOptions, AsyncUnaryCall<T>> call,
        Func<T?, HistoryEvent, HistoryEvent> describe,
        CancellationToken cancellationToken)
        where T : class
    {
        var giveUpAt = Clock.NowMicros() + (long)retryFor.TotalMicroseconds;
        var backoff = TimeSpan.FromMilliseconds(50);
        var warmup = WarmingUp;
        for (var attempt = 1; ; attempt++)
        {
            var invoked = Clock.NowMicros();
            T? answer = null;
            var status = StatusCode.OK;
            try
            {
                answer = await call(new CallOptions(deadline: DateTime.UtcNow + deadline, cancellationToken: cancellationToken)).ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                status = e.StatusCode;
            }

            var line = new HistoryEvent
            {
                Op = op,
                Worker = worker,
                Id = id,
                Attempt = attempt,
                InvokeMicros = invoked,
                CompleteMicros = Clock.NowMicros(),
                Status = Names.Of(status),
                Warmup = warmup,
            };
            history.Append(describe(answer, line));
            stats.Attempted(op, status);
            if (status == StatusCode.OK || !Retry.IsRetryable(status) || Clock.NowMicros() + backoff.TotalMicroseconds > giveUpAt)
            {
                if (!warmup)
                {
                    latencies.Record(op, intendedMicros);
                }

                stats.Completed(op, status);
                return (answer, status);
            }

            await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            backoff = TimeSpan.FromMilliseconds(Math.Min(1000, backoff.TotalMilliseconds * 2));
        }
    }
}
