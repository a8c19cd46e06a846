namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A PostgreSQL server from the machine's binaries, run by DCP as an executable; a connection-string resource
/// (<c>Host=…;Port=…;Username=postgres;Password=…</c>, scram-sha-256 on 127.0.0.1) whose databases are child resources.
/// </summary>
public sealed class LocalPostgresResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The password of the user <see cref="UserName"/> (a secret parameter, made on first run).</summary>
    public ParameterResource Password { get; } = password;

    internal const string PrimaryEndpointName = "tcp";

    /// <summary>The operating-system user that owns the data and runs the server: PostgreSQL refuses to run as root.</summary>
    public const string UserName = "postgres";

    /// <summary>The endpoint clients connect to (DCP's proxy in front of the server's own port).</summary>
    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    /// <summary>Databases to create once the server is ready: resource name to database name.</summary>
    public IReadOnlyDictionary<string, string> Databases => _databases;

    private readonly Dictionary<string, string> _databases = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The server's connection string, without a database.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={Password}");

    internal void AddDatabase(string name, string databaseName) => _databases.TryAdd(name, databaseName);
}

/// <summary>A database of a <see cref="LocalPostgresResource"/>; its name is the connection-string name services read.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresResource>, IResourceWithConnectionString
{
    /// <summary>The server.</summary>
    public LocalPostgresResource Parent { get; } = parent;

    /// <summary>The database's name in the server.</summary>
    public string DatabaseName { get; } = databaseName;

    /// <summary>The server's connection string with <c>Database=…</c>.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
