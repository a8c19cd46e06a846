using Grpc.Core;

namespace Diffusion.Grpc.Client;

/// <summary>The response stream of a server- or duplex-streaming call.</summary>
internal sealed class ClientStreamReader<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IAsyncStreamReader<TResponse>
    where TRequest : class
    where TResponse : class
{
    private TResponse? _current;

    public TResponse Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        var (hasMessage, message) = await call.ReadNextAsync(cancellationToken).ConfigureAwait(false);
        _current = hasMessage ? message : null;
        return hasMessage;
    }
}
