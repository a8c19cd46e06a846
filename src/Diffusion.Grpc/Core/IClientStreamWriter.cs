namespace Grpc.Core;

/// <summary>Writes a client's request stream; <see cref="CompleteAsync"/> ends it.</summary>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>Ends the request stream (half-close).</summary>
    Task CompleteAsync();
}
