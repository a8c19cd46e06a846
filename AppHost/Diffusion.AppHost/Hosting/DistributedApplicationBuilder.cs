
namespace Diffusion.AppHost.Hosting;

/// <summary>Declares the resources of the distributed application (Aspire's IDistributedApplicationBuilder).</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];

    internal DistributedApplicationBuilder(IConfiguration configuration, AppHostOptions options)
    {
        Configuration = configuration;
        Options = options;
    }

    /// <summary>Command line, environment (DIFFUSION_APPHOST_ prefix) and appsettings.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>Orchestrator settings; may be changed before <see cref="Build"/>.</summary>
    public AppHostOptions Options { get; }

    /// <summary>Resources in declaration order.</summary>
    public IReadOnlyList<Resource> Resources => _resources;

    /// <summary>A Redis server (redis-server, no persistence: the quota ledger in PostgreSQL is the record).</summary>
    public ResourceBuilder<RedisResource> AddRedis(string name) => Add(new RedisResource(name));

    /// <summary>A PostgreSQL server (data under the data directory, run as the unprivileged user "postgres").</summary>
    public ResourceBuilder<PostgresServerResource> AddPostgres(string name) => Add(new PostgresServerResource(name));

    /// <summary>A project resource from generated metadata (<c>AddProject&lt;Projects.Diffusion_Quota&gt;("quota")</c>).</summary>
    public ResourceBuilder<ProjectResource> AddProject<TProject>(string name)
        where TProject : IProjectMetadata, new() =>
        AddProject(name, new TProject().ProjectPath);

    /// <summary>A project resource from a .csproj path (relative paths resolve against the repository root).</summary>
    public ResourceBuilder<ProjectResource> AddProject(string name, string projectPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectPath);
        var fullPath = Path.GetFullPath(projectPath, Options.RepositoryRoot);
        return Add(new ProjectResource(name, fullPath));
    }

    /// <summary>Any program (working directory: the repository root unless given).</summary>
    public ResourceBuilder<ExecutableResource> AddExecutable(
        string name, string command, string? workingDirectory = null, params string[] arguments) =>
        Add(new ExecutableResource(name, command, arguments, workingDirectory ?? Options.RepositoryRoot));

    /// <summary>Adds a resource; names are unique.</summary>
    public ResourceBuilder<T> Add<T>(T resource)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_resources.Any(r => r.Name == resource.Name))
        {
            throw new InvalidOperationException($"a resource named '{resource.Name}' is already declared");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    /// <summary>Validates the graph (no cycles, references declared) and creates the application.</summary>
    public DistributedApplication Build()
    {
        var order = DependencyGraph.StartOrder(_resources);
        return new DistributedApplication(Options, order);
    }
}

/// <summary>Database helpers on a PostgreSQL server builder.</summary>
public static class PostgresBuilderExtensions
{
    /// <summary>A database in the server, created if absent; referenced as <c>ConnectionStrings__{name}</c>.</summary>
    public static ResourceBuilder<PostgresDatabaseResource> AddDatabase(
        this ResourceBuilder<PostgresServerResource> server, string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases.Add(database);
        var builder = server.ApplicationBuilder.Add(database);
        database.WaitsFor.Add(server.Resource);
        return builder;
    }
}
