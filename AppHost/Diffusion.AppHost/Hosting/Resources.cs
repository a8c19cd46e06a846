namespace Diffusion.AppHost.Hosting;

/// <summary>A thing the AppHost runs or provides (Aspire's IResource).</summary>
public abstract class Resource
{
    private protected Resource(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new ArgumentException($"resource name '{name}': use lower-case letters, digits and '-'", nameof(name));
        }
        Name = name;
    }

    /// <summary>Unique name; also the name other resources use in their configuration.</summary>
    public string Name { get; }

    /// <summary>"redis", "postgres", "database", "project" or "executable".</summary>
    public abstract string Kind { get; }

    /// <summary>Resources that must be healthy before this one starts.</summary>
    public List<Resource> WaitsFor { get; } = [];

    /// <summary>Resources whose connection information this one receives as environment variables.</summary>
    public List<Resource> References { get; } = [];

    /// <summary>Extra environment variables.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>Processes started for this resource (1 unless <c>WithReplicas</c>).</summary>
    public int Replicas { get; internal set; } = 1;

    /// <summary>The resource whose process hosts this one (a database lives in its server), or null.</summary>
    public virtual Resource? Parent => null;

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} {Name}";
}

/// <summary>A resource others reach with a connection string (<c>ConnectionStrings__{name}</c>).</summary>
public interface IResourceWithConnectionString
{
    /// <summary>The connection string, known once ports are allocated.</summary>
    string ConnectionString { get; }
}

/// <summary>Redis server run from the machine's redis-server binary.</summary>
public sealed class RedisResource(string name) : Resource(name), IResourceWithConnectionString
{
    /// <inheritdoc/>
    public override string Kind => "redis";

    /// <summary>TCP port on 127.0.0.1, allocated at start.</summary>
    public int Port { get; internal set; }

    /// <inheritdoc/>
    public string ConnectionString => $"127.0.0.1:{Port}";
}

/// <summary>PostgreSQL server run from the machine's binaries (initdb/postgres) as an unprivileged user.</summary>
public sealed class PostgresServerResource(string name) : Resource(name)
{
    /// <inheritdoc/>
    public override string Kind => "postgres";

    /// <summary>TCP port on 127.0.0.1, allocated at start.</summary>
    public int Port { get; internal set; }

    /// <summary>Databases created (if absent) once the server is up.</summary>
    public List<PostgresDatabaseResource> Databases { get; } = [];

    /// <summary>Superuser name (trust authentication on 127.0.0.1 only: a local development cluster).</summary>
    public string UserName => "postgres";

    internal string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={UserName};Database={database}";
}

/// <summary>A database inside a <see cref="PostgresServerResource"/>.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource server)
    : Resource(name), IResourceWithConnectionString
{
    /// <inheritdoc/>
    public override string Kind => "database";

    /// <summary>The database name in the server.</summary>
    public string DatabaseName { get; } = databaseName;

    /// <summary>The server holding it.</summary>
    public PostgresServerResource Server { get; } = server;

    /// <inheritdoc/>
    public override Resource? Parent => Server;

    /// <inheritdoc/>
    public string ConnectionString => Server.ConnectionStringFor(DatabaseName);
}

/// <summary>A .NET project of this repository, built once and run from its built dll (one process per replica).</summary>
public sealed class ProjectResource(string name, string projectPath) : Resource(name)
{
    /// <inheritdoc/>
    public override string Kind => "project";

    /// <summary>Absolute path of the .csproj.</summary>
    public string ProjectPath { get; } = projectPath;

    /// <summary>Ports on 127.0.0.1, one per replica, allocated at start.</summary>
    public List<int> Ports { get; } = [];

    /// <summary>The endpoint URLs (h2c), one per replica.</summary>
    public IEnumerable<string> Urls => Ports.Select(port => $"http://127.0.0.1:{port}");
}

/// <summary>Any program, e.g. a test helper; health is the liveness of its process.</summary>
public sealed class ExecutableResource(string name, string command, IReadOnlyList<string> arguments, string workingDirectory)
    : Resource(name)
{
    /// <inheritdoc/>
    public override string Kind => "executable";

    /// <summary>The program.</summary>
    public string Command { get; } = command;

    /// <summary>Its arguments.</summary>
    public IReadOnlyList<string> Arguments { get; } = arguments;

    /// <summary>Its working directory.</summary>
    public string WorkingDirectory { get; } = workingDirectory;
}

/// <summary>Metadata of a project known at build time (Aspire's IProjectMetadata; classes generated in namespace Projects).</summary>
public interface IProjectMetadata
{
    /// <summary>Absolute path of the .csproj.</summary>
    string ProjectPath { get; }
}
