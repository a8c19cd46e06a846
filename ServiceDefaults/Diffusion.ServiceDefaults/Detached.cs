using System.Diagnostics;

namespace Diffusion.ServiceDefaults;

/// <summary>
/// Work that changes two stores (or a store and another service) must complete or fail as a whole, whatever the
/// caller's deadline does: a caller that stops waiting half-way must not leave one changed and the other not
/// (issue 16). The caller may stop waiting; the work goes on.
/// </summary>
public static class Detached
{
    /// <summary>
    /// Runs <paramref name="operation"/> apart from the call serving it: not on the caller's token, and without the
    /// call's context, so gRPC's call-context propagation does not pass the caller's deadline and cancellation on to the
    /// calls the operation makes. The trace continues (the current activity is carried over). The returned task ends
    /// when the operation does, or with <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/>
    /// (the caller's) is cancelled first.
    /// </summary>
    public static Task<T> RunAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var activity = Activity.Current;
        Task<T> task;
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(
                () =>
                {
                    Activity.Current = activity;
                    return operation();
                },
                CancellationToken.None);
        }

        return task.WaitAsync(cancellationToken);
    }
}
