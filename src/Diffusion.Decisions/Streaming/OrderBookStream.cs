using System.Threading.Channels;
using Diffusion.Decisions.Audit;
using Diffusion.Decisions.Composition;
using Diffusion.Decisions.Grpc;
using Diffusion.Decisions.V1;
using Diffusion.Rules.Hosting;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Diffusion.Decisions.Streaming;

/// <summary>
/// Decides the orders of one <c>DecideStream</c> call. A window of at most <see cref="DecisionsOptions.StreamWindow"/>
/// orders is decided at once; the next order is read only when the window has room, and answers are written in the
/// order the orders came, so memory per stream is bounded by the window whatever the client sends. When the client
/// reads slowly, writing waits (HTTP/2 flow control), the window fills, reading stops, and the client's sends wait in
/// turn. One order's failure is that order's answer; only the call's cancellation ends the stream early. Orders with
/// the same lines are classified once per stream (<see cref="ClassificationMemo"/>). An order decided for real is on
/// the audit trail before its answer is written (the window's orders share the trail's group commits).
/// </summary>
internal sealed partial class OrderBookStream(OrderDecider decider, DecisionAudit audit, IOptions<DecisionsOptions> options, ILogger<OrderBookStream> logger)
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);
    private static readonly WriteOptions Flushed = new();

    /// <summary>
    /// Reads orders from <paramref name="orders"/> until the client completes, answering each on <paramref name="answers"/>;
    /// <paramref name="actor"/> is the caller's authenticated subject.
    /// </summary>
    public async Task RunAsync(IAsyncStreamReader<DecideRequest> orders, IServerStreamWriter<DecideStreamResponse> answers, string actor, CancellationToken cancellationToken)
    {
        // Each entry is an order being decided; the writer awaits them first in, first out.
        var window = Channel.CreateBounded<Task<DecideStreamResponse>>(new BoundedChannelOptions(options.Value.StreamWindow)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var memo = new ClassificationMemo();
        var writing = WriteAnswersAsync(window.Reader, answers, stop);
        try
        {
            ulong index = 0;
            while (await orders.MoveNext(stop.Token).ConfigureAwait(false))
            {
                await window.Writer.WriteAsync(DecideOneAsync(index++, orders.Current, actor, memo, stop.Token), stop.Token).ConfigureAwait(false);
            }
        }
        catch
        {
            // The request stream broke or the call was cancelled: stop deciding what is in the window.
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            window.Writer.TryComplete();
            await writing.ConfigureAwait(false);

            // Orders left in the window when the stream stopped early end cancelled; observe them so none is unobserved.
            while (window.Reader.TryRead(out var left))
            {
                _ = left.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    private static async Task WriteAnswersAsync(ChannelReader<Task<DecideStreamResponse>> window, IServerStreamWriter<DecideStreamResponse> answers, CancellationTokenSource stop)
    {
        try
        {
            await foreach (var answer in window.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                var message = await answer.ConfigureAwait(false);

                // While the next answer is already decided, buffer this one (no flush): a run of ready answers goes
                // out in a few large writes instead of a flush each.
                answers.WriteOptions = window.TryPeek(out var next) && next.IsCompleted ? Buffered : Flushed;
                await answers.WriteAsync(message, stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The reader failed or the call ended: nobody is listening for the rest.
        }
        catch
        {
            // Writing failed (the client went away): stop reading and deciding.
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task<DecideStreamResponse> DecideOneAsync(ulong index, DecideRequest order, string actor, ClassificationMemo memo, CancellationToken cancellationToken)
    {
        var answer = new DecideStreamResponse { Index = index, OrderId = order.OrderId };
        try
        {
            OrderValidation.Validate(order, requireOrderId: !order.DryRun);
            var decision = await decider.DecideAsync(order, ruleSetId: null, reserve: !order.DryRun, cancellationToken, memo).ConfigureAwait(false);
            if (!order.DryRun)
            {
                await audit.RecordDecisionAsync(actor, order, decision, cancellationToken).ConfigureAwait(false);
            }

            answer.Decision = decision;
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            answer.Error = e.Status.ToItemError();
        }
        catch (Exception e) when (e is not (OperationCanceledException or RpcException) && !cancellationToken.IsCancellationRequested)
        {
            // A fault of ours, not the order's: the order is answered INTERNAL (as Decide would fail), the others go on.
            Log.OrderFailed(logger, index, e);
            answer.Error = new Status(StatusCode.Internal, "the order could not be decided (internal error; see the service log)").ToItemError();
        }

        return answer;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "DecideStream: order at index {Index} failed")]
        public static partial void OrderFailed(ILogger logger, ulong index, Exception exception);
    }
}
