namespace Grpc.Core;

/// <summary>Writes a stream of messages, one write at a time.</summary>
public interface IAsyncStreamWriter<in T>
{
    /// <summary>Options for the following writes.</summary>
    WriteOptions? WriteOptions { get; set; }

    /// <summary>Writes one message; wait for it before the next write.</summary>
    Task WriteAsync(T message);

    /// <summary>Writes one message, cancellably.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            throw new NotSupportedException("This writer does not support cancellation of single writes.");
        }

        return WriteAsync(message);
    }
}
