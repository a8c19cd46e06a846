namespace Grpc.Core;

/// <summary>A connection to a server's address that creates call invokers.</summary>
public abstract class ChannelBase
{
    protected ChannelBase(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
    }

    /// <summary>The address the channel calls.</summary>
    public string Target { get; }

    /// <summary>Creates the invoker that generated clients use.</summary>
    public abstract CallInvoker CreateCallInvoker();

    /// <summary>Closes the channel.</summary>
    public Task ShutdownAsync() => ShutdownAsyncCore();

    protected virtual Task ShutdownAsyncCore() => Task.CompletedTask;
}
