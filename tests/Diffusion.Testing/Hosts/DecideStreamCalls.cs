using Diffusion.Decisions.V1;
using Grpc.Core;

namespace Diffusion.Testing.Hosts;

/// <summary>A book of orders over one DecideStream call, as the CLI's <c>decide --batch</c> sends it.</summary>
public static class DecideStreamCalls
{
    /// <summary>
    /// Sends every order over one DecideStream call while reading the answers (so a book longer than Decisions' window
    /// cannot stall on flow control), completes the request stream, and returns the answers in the order they came.
    /// </summary>
    public static async Task<List<DecideStreamResponse>> DecideAllAsync(
        this DecisionService.DecisionServiceClient client,
        IEnumerable<DecideRequest> orders,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(orders);
        using var call = client.DecideStream(cancellationToken: cancellationToken);
        var sending = Task.Run(
            async () =>
            {
                foreach (var order in orders)
                {
                    await call.RequestStream.WriteAsync(order, cancellationToken).ConfigureAwait(false);
                }

                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            },
            cancellationToken);
        var answers = new List<DecideStreamResponse>();
        await foreach (var answer in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            answers.Add(answer);
        }

        await sending.ConfigureAwait(false);
        return answers;
    }
}
