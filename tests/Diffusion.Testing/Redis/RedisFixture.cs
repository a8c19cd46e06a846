using StackExchange.Redis;

namespace Diffusion.Testing.Redis;

/// <summary>
/// xunit fixture over one redis-server shared by the whole test process (xunit 2 has no assembly fixtures, so
/// every collection that uses this fixture gets the same server). Declare it in the test assembly:
/// <code>
/// [CollectionDefinition(Name)] public sealed class RedisCollection : ICollectionFixture&lt;RedisFixture&gt; { public const string Name = "redis"; }
/// </code>
/// Tests that kill or restart Redis must start their own <see cref="RedisServer"/> instead of this shared one.
/// Keys are not cleared between tests: use unique key prefixes, or <see cref="FlushAsync"/> when you own the collection.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static RedisServer? shared;

    /// <summary>The shared server (started on first use, killed at process exit).</summary>
    public RedisServer Server => shared ?? throw new InvalidOperationException("fixture not initialised");

    /// <summary>StackExchange.Redis configuration string for <see cref="Server"/>.</summary>
    public string ConnectionString => Server.ConnectionString;

    /// <summary>Starts the shared server if this is the first fixture of the process.</summary>
    public async Task InitializeAsync()
    {
        await Gate.WaitAsync();
        try
        {
            shared ??= await RedisServer.StartAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Leaves the shared server running for other collections; it dies with the process.</summary>
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Removes every key (FLUSHALL).</summary>
    public async Task FlushAsync()
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",allowAdmin=true");
        await connection.GetServer("127.0.0.1", Server.Port).FlushAllDatabasesAsync();
    }
}
