using System.Diagnostics;
using System.Globalization;
using Diffusion.Testing.Processes;
using Npgsql;

namespace Diffusion.Testing.Postgres;

/// <summary>Options for <see cref="PostgresServer.StartAsync"/>.</summary>
public sealed record PostgresServerOptions
{
    /// <summary>Where initdb, pg_ctl and postgres live.</summary>
    public string BinDirectory { get; init; } = "/usr/lib/postgresql/15/bin";

    /// <summary>
    /// The unprivileged user that owns the data directory and runs the server (PostgreSQL refuses root).
    /// </summary>
    public string User { get; init; } = "postgres";

    /// <summary>
    /// fsync on (default) so that "durable" means durable. Turn it off only in suites where durability across an
    /// OS crash is not what is tested: a killed postgres process still loses nothing it acknowledged.
    /// </summary>
    public bool Fsync { get; init; } = true;

    /// <summary>max_connections; several service instances with their own pools share one server.</summary>
    public int MaxConnections { get; init; } = 300;

    /// <summary>Bound on every wait (initdb, start, stop).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// More server settings, each <c>name=value</c> (passed as <c>-c</c>), e.g. <c>shared_preload_libraries=pg_stat_statements</c>
    /// for a profile. Values must not contain spaces.
    /// </summary>
    public IReadOnlyList<string> Settings { get; init; } = [];
}

/// <summary>
/// A real PostgreSQL 15 server, scram-sha-256 authentication with a password made for it (as the AppHost's):
/// initdb into a temporary directory owned by <c>postgres</c>, started with
/// <c>pg_ctl</c> on a free 127.0.0.1 port with its socket in that directory. Creates databases on demand and
/// hands out their connection strings. Can be killed (immediate shutdown, as in a crash) and started again with
/// its data. Disposing stops it and removes the directory.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly PostgresServerOptions options;
    private int databaseCounter;

    private PostgresServer(PostgresServerOptions options, string root, int port, string password)
    {
        this.options = options;
        Password = password;
        Root = root;
        Port = port;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        var quoted = OrphanGuard.Quote(root);
        OrphanGuard.Watch(
            $"runuser -u {options.User} -- {OrphanGuard.Quote(Path.Combine(options.BinDirectory, "pg_ctl"))} -D {quoted}/data -m immediate stop >/dev/null 2>&1; rm -rf {quoted}");
    }

    /// <summary>The TCP port on 127.0.0.1; it stays the same across restarts.</summary>
    public int Port { get; }

    /// <summary>The password of the superuser <c>postgres</c> (scram-sha-256: a connection without it is refused).</summary>
    public string Password { get; }

    /// <summary>The temporary directory holding data/, the socket directory and the log.</summary>
    public string Root { get; }

    private string DataDirectory => Path.Combine(Root, "data");

    private string SocketDirectory => Path.Combine(Root, "socket");

    private string LogFile => Path.Combine(Root, "postgres.log");

    /// <summary>True while the server answers on its port.</summary>
    public bool IsRunning { get; private set; }

    /// <summary>initdb and start a new server; retries on another port if the first is taken meanwhile.</summary>
    public static async Task<PostgresServer> StartAsync(PostgresServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PostgresServerOptions();
        var root = Directory.CreateTempSubdirectory("diffusion-pg-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "socket"));
        var password = LocalServer.NewPassword();
        var passwordFile = Path.Combine(root, "pwfile");
        LocalServer.WriteOwnerOnly(passwordFile, password + "\n");

        await ProcessRunner.RunAsync("chown", ["-R", $"{options.User}:{options.User}", root], options.Timeout, cancellationToken);
        await ProcessRunner.RunAsync(
            "runuser",
            ["-u", options.User, "--", Path.Combine(options.BinDirectory, "initdb"),
             "-D", Path.Combine(root, "data"), "-U", "postgres", "--auth=scram-sha-256", "--pwfile", passwordFile, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            options.Timeout,
            cancellationToken);
        File.Delete(passwordFile);

        try
        {
            return await LocalServer.StartOnFreePortAsync(
                "postgres",
                port => new PostgresServer(options, root, port, password),
                (server, ct) => server.StartProcessAsync(ct),
                server =>
                {
                    AppDomain.CurrentDomain.ProcessExit -= server.OnProcessExit;
                    return ValueTask.CompletedTask;
                },
                cancellationToken);
        }
        catch (InvalidOperationException)
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    /// <summary>Connection string for <paramref name="database"/> on this server (user postgres with its password).</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Password = Password,
        Database = database,
        IncludeErrorDetail = true,
        Timeout = 5,
    }.ConnectionString;

    /// <summary>Creates a fresh database (a unique name unless given) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= string.Create(CultureInfo.InvariantCulture, $"db_{Environment.ProcessId}_{Interlocked.Increment(ref databaseCounter)}_{Guid.NewGuid():N}")[..40];
        await using (var connection = new NpgsqlConnection(ConnectionString()))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return ConnectionString(name);
    }

    /// <summary>
    /// Starts the server again on its port with its data (after <see cref="KillAsync"/> or <see cref="StopAsync(CancellationToken)"/>;
    /// a running server is stopped first); returns once it accepts connections.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        await StartProcessAsync(cancellationToken);
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var settings = string.Join(' ',
            "-k", SocketDirectory,
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-h", "127.0.0.1",
            "-c", $"fsync={(options.Fsync ? "on" : "off")}",
            "-c", $"max_connections={options.MaxConnections.ToString(CultureInfo.InvariantCulture)}",
            "-c", "shared_buffers=32MB",
            string.Join(' ', options.Settings.Select(setting => "-c " + setting)));
        await ProcessRunner.RunAsync(
            "runuser",
            ["-u", options.User, "--", Path.Combine(options.BinDirectory, "pg_ctl"),
             "-D", DataDirectory, "-l", LogFile, "-o", settings, "-w", "-t", ((int)options.Timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture), "start"],
            options.Timeout + TimeSpan.FromSeconds(5),
            cancellationToken);
        IsRunning = true;
    }

    /// <summary>Immediate shutdown: every backend dies at once and the next start runs crash recovery.</summary>
    public Task KillAsync(CancellationToken cancellationToken = default) => StopAsync("immediate", cancellationToken);

    /// <summary>Clean shutdown (fast mode: disconnects clients, checkpoints).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => StopAsync("fast", cancellationToken);

    /// <summary>Stops the server and removes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        await LocalServer.KillAndRemoveAsync(() => KillAsync(), Root);
    }

    /// <summary>The server log, for test failure messages.</summary>
    public string ReadLog() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no log)";

    private async Task StopAsync(string mode, CancellationToken cancellationToken)
    {
        if (!IsRunning)
        {
            return;
        }

        await ProcessRunner.RunAsync(
            "runuser",
            ["-u", options.User, "--", Path.Combine(options.BinDirectory, "pg_ctl"), "-D", DataDirectory, "-m", mode, "-w", "stop"],
            options.Timeout,
            cancellationToken);
        IsRunning = false;
        NpgsqlConnection.ClearAllPools();
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (!IsRunning)
        {
            return;
        }

        var info = new ProcessStartInfo("runuser") { UseShellExecute = false };
        foreach (var argument in new[] { "-u", options.User, "--", Path.Combine(options.BinDirectory, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "stop" })
        {
            info.ArgumentList.Add(argument);
        }

        using var stop = Process.Start(info);
        stop?.WaitForExit(5000);
    }
}
