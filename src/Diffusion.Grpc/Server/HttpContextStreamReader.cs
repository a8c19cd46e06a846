using Grpc.Core;

namespace Diffusion.Grpc.Server;

/// <summary>The request stream of a client- or duplex-streaming call.</summary>
internal sealed class HttpContextStreamReader<T>(HttpContextServerCallContext call, Func<DeserializationContext, T> deserializer) : IAsyncStreamReader<T>
{
    private T? _current;
    private bool _ended;

    public T Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return false;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(call.CancellationToken, cancellationToken);
        var (hasMessage, message) = await call.ReadMessageAsync(deserializer, linked.Token).ConfigureAwait(false);
        if (!hasMessage)
        {
            _ended = true;
            _current = default;
            return false;
        }

        _current = message;
        return true;
    }
}
