using Diffusion.ServiceDefaults;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Diffusion.Decisions.Composition;

/// <summary>
/// Calls another service with a deadline and maps its failure: infrastructure trouble becomes UNAVAILABLE naming the
/// service (the decision fails closed), bad input stays the caller's error.
/// </summary>
internal sealed class Downstream(TimeProvider time, IOptions<DecisionsOptions> options)
{
    /// <summary>Calls <paramref name="call"/> with the configured deadline.</summary>
    public async Task<T> CallAsync<T>(string service, Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow().UtcDateTime + options.Value.CallTimeout;
        try
        {
            return await call(new CallOptions(deadline: deadline, cancellationToken: cancellationToken)).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (DownstreamFailure.Is(e, cancellationToken))
        {
            throw Unavailable(service, $"{e.StatusCode}: {e.Status.Detail}", e);
        }
    }

    private static RpcException Unavailable(string service, string detail, Exception inner) =>
        new(new Status(StatusCode.Unavailable, $"{service} service unavailable ({detail}); no decision made and nothing reserved", inner));
}
