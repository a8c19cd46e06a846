using Diffusion.AppHost.Hosting;
using Npgsql;

namespace Diffusion.AppHost.Orchestration;

/// <summary>How one kind of resource is prepared, started, probed and stopped.</summary>
internal abstract class ResourceDriver(Resource resource, OrchestrationContext context)
{
    public Resource Resource { get; } = resource;

    protected OrchestrationContext Context { get; } = context;

    protected LogBuffer Logs => Context.LogsOf(Resource);

    /// <summary>Endpoints shown on the dashboard.</summary>
    public abstract IReadOnlyList<string> Endpoints { get; }

    /// <summary>Signal that stops a process, whether it goes to the leader only, and the grace before SIGKILL.</summary>
    public virtual (int Signal, bool LeaderOnly) StopSignal => (ProcessGroups.SigTerm, false);

    /// <summary>Once before the first start: provision, initdb, build.</summary>
    public virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The process of replica <paramref name="replica"/>, or null when the resource has no process of its own.</summary>
    public abstract ProcessSpec? Spec(int replica);

    /// <summary>For resources without a process: bring it into being once its dependencies are ready.</summary>
    public virtual Task CreateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>One health probe of a replica.</summary>
    public abstract Task<ProbeResult> ProbeAsync(int replica, CancellationToken cancellationToken);

    public static ResourceDriver For(Resource resource, OrchestrationContext context) => resource switch
    {
        RedisResource redis => new RedisDriver(redis, context),
        PostgresServerResource postgres => new PostgresDriver(postgres, context),
        PostgresDatabaseResource database => new DatabaseDriver(database, context),
        ProjectResource project => new ProjectDriver(project, context),
        ExecutableResource executable => new ExecutableDriver(executable, context),
        _ => throw new NotSupportedException($"no driver for {resource}"),
    };
}

/// <summary>
/// redis-server without persistence (no RDB snapshot, no append-only file). Redis is the quota service's
/// concurrency gate, not its record: PostgreSQL's ledger is. Quota rebuilds Redis from the ledger when it finds it
/// empty; a Redis restored from an older snapshot or a truncated AOF would look alive but count less than the
/// ledger, and could then grant beyond a cap. So a restarted Redis must come back empty.
/// </summary>
internal sealed class RedisDriver(RedisResource redis, OrchestrationContext context) : ResourceDriver(redis, context)
{
    private string? _binary;

    private string DataDirectory => Path.Combine(Context.Options.DataDirectory, Resource.Name);

    public override IReadOnlyList<string> Endpoints => [$"tcp://{redis.ConnectionString}"];

    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _binary = Context.Options.RedisServerPath is { } configured
            ? File.Exists(configured) ? configured : throw new ProvisioningException($"redis-server not found at {configured} (AppHost:RedisServerPath)")
            : await Provisioning.RedisServerAsync(line => Logs.Add("apphost", line), cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(DataDirectory);
    }

    public override ProcessSpec Spec(int replica) => new(
        _binary!,
        ["--port", redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
         "--dir", DataDirectory, "--appendonly", "no", "--save", "", "--daemonize", "no", "--protected-mode", "yes"],
        DataDirectory,
        new Dictionary<string, string>());

    public override Task<ProbeResult> ProbeAsync(int replica, CancellationToken cancellationToken) =>
        HealthProbe.ProbeRedisAsync(redis.Port, cancellationToken);
}

/// <summary>
/// PostgreSQL from the machine's binaries, data in {data}/{name}/data owned by the unprivileged user "postgres"
/// (initdb and postgres refuse to run as root), listening on 127.0.0.1 only with trust authentication.
/// </summary>
internal sealed class PostgresDriver(PostgresServerResource postgres, OrchestrationContext context) : ResourceDriver(postgres, context)
{
    private const string User = "postgres";
    private string? _bin;

    private string Root => Path.Combine(Context.Options.DataDirectory, Resource.Name);

    private string DataDirectory => Path.Combine(Root, "data");

    private string SocketDirectory => Path.Combine(Root, "socket");

    public override IReadOnlyList<string> Endpoints => [$"tcp://127.0.0.1:{postgres.Port}"];

    /// <summary>SIGINT to the postmaster: "fast" shutdown (clients disconnected, clean checkpoint).</summary>
    public override (int Signal, bool LeaderOnly) StopSignal => (ProcessGroups.SigInt, true);

    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _bin = await Provisioning.PostgresBinDirectoryAsync(line => Logs.Add("apphost", line), cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(SocketDirectory);
        if (Provisioning.IsRoot)
        {
            var (idCode, _) = await Provisioning.RunAsync("id", ["-u", User], TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            if (idCode != 0)
            {
                Logs.Add("apphost", $"creating system user {User}");
                await Run("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", User], cancellationToken).ConfigureAwait(false);
            }
            await Run("chown", ["-R", $"{User}:{User}", Root], cancellationToken).ConfigureAwait(false);
        }
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            Logs.Add("apphost", $"initdb {DataDirectory}");
            string[] initdb = [Path.Combine(_bin, "initdb"), "-D", DataDirectory, "-U", User, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"];
            await (Provisioning.IsRoot
                ? Run("/usr/bin/setpriv", [$"--reuid={User}", $"--regid={User}", "--init-groups", "--", .. initdb], cancellationToken)
                : Run(initdb[0], initdb[1..], cancellationToken)).ConfigureAwait(false);
        }
    }

    public override ProcessSpec Spec(int replica) => new(
        Path.Combine(_bin!, "postgres"),
        ["-D", DataDirectory, "-p", postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
         "-c", "listen_addresses=127.0.0.1", "-c", $"unix_socket_directories={SocketDirectory}", "-c", "max_connections=300"],
        Root,
        new Dictionary<string, string>(),
        RunAsUser: User);

    public override Task<ProbeResult> ProbeAsync(int replica, CancellationToken cancellationToken) =>
        HealthProbe.ProbePostgresAsync(postgres.ConnectionStringFor("postgres"), cancellationToken);

    private async Task Run(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (code, output) = await Provisioning.RunAsync(fileName, arguments, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Logs.Add("apphost", line);
        }
        if (code != 0)
        {
            throw new InvalidOperationException($"{fileName} failed with exit code {code}; see the log of {Resource.Name}");
        }
    }
}

/// <summary>A database: created in its server if absent; healthy when it accepts connections.</summary>
internal sealed class DatabaseDriver(PostgresDatabaseResource database, OrchestrationContext context) : ResourceDriver(database, context)
{
    public override IReadOnlyList<string> Endpoints => [database.ConnectionString];

    public override ProcessSpec? Spec(int replica) => null;

    public override async Task CreateAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.Server.ConnectionStringFor("postgres")) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = database.DatabaseName });
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            var quoted = "\"" + database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Logs.Add("apphost", $"created database {database.DatabaseName}");
        }
    }

    public override Task<ProbeResult> ProbeAsync(int replica, CancellationToken cancellationToken) =>
        HealthProbe.ProbePostgresAsync(database.ConnectionString, cancellationToken);
}

/// <summary>A .NET project: dotnet build once, then <c>dotnet {dll}</c> per replica with Aspire's environment variables.</summary>
internal sealed class ProjectDriver(ProjectResource project, OrchestrationContext context) : ResourceDriver(project, context)
{
    private string? _dll;

    public override IReadOnlyList<string> Endpoints => [.. project.Urls];

    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(project.ProjectPath))
        {
            throw new FileNotFoundException($"project file not found: {project.ProjectPath}");
        }
        var mode = Context.Options.Build;
        _dll = FindDll();
        if (mode == BuildMode.Always || (mode == BuildMode.IfMissing && _dll is null))
        {
            if (!await Context.BuildAllProjectsAsync(cancellationToken).ConfigureAwait(false))
            {
                await Context.BuildAsync(project.ProjectPath, Logs, cancellationToken).ConfigureAwait(false);
            }
            _dll = FindDll();
        }
        if (_dll is null)
        {
            throw new FileNotFoundException($"no built assembly for {project.ProjectPath} (bin/Debug/*/{AssemblyName}.dll); build it or run with AppHost:Build=Always");
        }
    }

    public override ProcessSpec Spec(int replica) => new(
        Context.DotnetHost,
        [_dll!],
        Path.GetDirectoryName(project.ProjectPath)!,
        Context.EnvironmentFor(Resource, replica));

    public override Task<ProbeResult> ProbeAsync(int replica, CancellationToken cancellationToken) =>
        Context.Probe.ProbeHttpAsync(project.Urls.ElementAt(replica), cancellationToken);

    private string AssemblyName => Path.GetFileNameWithoutExtension(project.ProjectPath);

    private string? FindDll()
    {
        var bin = Path.Combine(Path.GetDirectoryName(project.ProjectPath)!, "bin", "Debug");
        if (!Directory.Exists(bin))
        {
            return null;
        }
        return Directory.EnumerateDirectories(bin)
            .Select(dir => Path.Combine(dir, AssemblyName + ".dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
    }
}

/// <summary>Any program; ready as soon as it runs.</summary>
internal sealed class ExecutableDriver(ExecutableResource executable, OrchestrationContext context) : ResourceDriver(executable, context)
{
    public override IReadOnlyList<string> Endpoints => [];

    public override ProcessSpec Spec(int replica) => new(
        executable.Command, executable.Arguments, executable.WorkingDirectory, Context.EnvironmentFor(Resource, replica));

    public override Task<ProbeResult> ProbeAsync(int replica, CancellationToken cancellationToken) =>
        Task.FromResult(new ProbeResult(HealthStatus.Healthy, true, "process running"));
}
