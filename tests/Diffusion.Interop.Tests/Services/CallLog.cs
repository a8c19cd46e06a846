using System.Collections.Concurrent;
using Grpc.Core;

namespace Diffusion.Interop.Tests.Services;

/// <summary>What the server-side handlers observed, for assertions made after the call.</summary>
public sealed class CallLog
{
    private readonly TaskCompletionSource<bool> _cancellationObserved = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<DateTime> Deadlines { get; } = new();

    /// <summary>Completes when a delayed handler finishes its wait, with whether its token had fired.</summary>
    public Task<bool> CancellationObserved => _cancellationObserved.Task;

    public void Record(ServerCallContext context) => Deadlines.Enqueue(context.Deadline);

    public void RecordCancellation(bool cancelled) => _cancellationObserved.TrySetResult(cancelled);
}
