namespace Grpc.Core;

/// <summary>Writes a server's response stream.</summary>
public interface IServerStreamWriter<in T> : IAsyncStreamWriter<T>
{
}
