namespace Diffusion.Testing.Postgres;

/// <summary>
/// xunit fixture over one PostgreSQL server shared by the whole test process (xunit 2 has no assembly fixtures,
/// so every collection that uses this fixture gets the same server). Declare it in the test assembly:
/// <code>
/// [CollectionDefinition(Name)] public sealed class PostgresCollection : ICollectionFixture&lt;PostgresFixture&gt; { public const string Name = "postgres"; }
/// </code>
/// Give each test (or test class) its own database with <see cref="CreateDatabaseAsync"/>. The shared server runs
/// with fsync off (speed; killing the process still loses nothing acknowledged). Tests that kill PostgreSQL must start
/// their own <see cref="PostgresServer"/>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresServer? shared;

    /// <summary>The shared server (started on first use, stopped at process exit).</summary>
    public PostgresServer Server => shared ?? throw new InvalidOperationException("fixture not initialised");

    /// <summary>Starts the shared server if this is the first fixture of the process.</summary>
    public async Task InitializeAsync()
    {
        await Gate.WaitAsync();
        try
        {
            shared ??= await PostgresServer.StartAsync(new PostgresServerOptions { Fsync = false });
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Leaves the shared server running for other collections; it stops at process exit.</summary>
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A fresh database on the shared server; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default) =>
        Server.CreateDatabaseAsync(name, cancellationToken);
}
