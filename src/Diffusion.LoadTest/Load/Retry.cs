using Grpc.Core;

namespace Diffusion.LoadTest.Load;

/// <summary>Which failures a careful client retries with the same id, and a bounded retry loop for the checker's reads.</summary>
internal static class Retry
{
    /// <summary>
    /// Not an answer from the service's logic: the call may or may not have taken effect, and retrying the same
    /// idempotent call is how a client learns which (quota invariant 3, docs/quota-invariants.md).
    /// </summary>
    public static bool IsRetryable(StatusCode status) =>
        status is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown
            or StatusCode.Cancelled or StatusCode.Aborted or StatusCode.ResourceExhausted;

    /// <summary>Calls until an answer that is not retryable, backing off from 100 ms to 1 s, for at most <paramref name="patience"/>.</summary>
    public static async Task<T> WhileRecoveringAsync<T>(Func<Task<T>> call, TimeSpan patience, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + patience;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (IsRetryable(e.StatusCode) && DateTime.UtcNow < until && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(1000, delay.TotalMilliseconds * 2));
            }
        }
    }
}
