namespace Grpc.Core;

/// <summary>Base of generated clients.</summary>
public abstract class ClientBase
{
    /// <summary>For test doubles that override the calls: every call not overridden fails with FAILED_PRECONDITION.</summary>
    protected ClientBase()
        : this(new ChannellessCallInvoker())
    {
    }

    /// <summary>Calls through <paramref name="channel"/>.</summary>
    protected ClientBase(ChannelBase channel)
        : this(CreateInvoker(channel))
    {
    }

    /// <summary>Calls through <paramref name="callInvoker"/>.</summary>
    protected ClientBase(CallInvoker callInvoker)
        : this(new ClientBaseConfiguration(callInvoker, null))
    {
    }

    /// <summary>Calls as configured.</summary>
    protected ClientBase(ClientBaseConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Configuration = configuration;
        CallInvoker = configuration.CallInvoker;
    }

    /// <summary>The invoker every call goes through.</summary>
    protected CallInvoker CallInvoker { get; }

    internal ClientBaseConfiguration Configuration { get; }

    private static CallInvoker CreateInvoker(ChannelBase channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return channel.CreateCallInvoker();
    }

    /// <summary>What a generated client is built from: the invoker and an optional host.</summary>
    protected internal class ClientBaseConfiguration
    {
        internal ClientBaseConfiguration(CallInvoker callInvoker, string? host)
        {
            ArgumentNullException.ThrowIfNull(callInvoker);
            CallInvoker = callInvoker;
            Host = host;
        }

        internal CallInvoker CallInvoker { get; }

        internal string? Host { get; }
    }
}

/// <summary>Base of generated clients; <typeparamref name="T"/> is the client type.</summary>
public abstract class ClientBase<T> : ClientBase
    where T : ClientBase<T>
{
    protected ClientBase()
    {
    }

    protected ClientBase(ChannelBase channel)
        : base(channel)
    {
    }

    protected ClientBase(CallInvoker callInvoker)
        : base(callInvoker)
    {
    }

    protected ClientBase(ClientBaseConfiguration configuration)
        : base(configuration)
    {
    }

    /// <summary>A client like this one that sends <paramref name="host"/> as the call host.</summary>
    public T WithHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return NewInstance(new ClientBaseConfiguration(Configuration.CallInvoker, host));
    }

    /// <summary>Creates a client of the same type with <paramref name="configuration"/>.</summary>
    protected abstract T NewInstance(ClientBaseConfiguration configuration);
}
