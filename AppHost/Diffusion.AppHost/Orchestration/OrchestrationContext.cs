using Diffusion.AppHost.Hosting;

namespace Diffusion.AppHost.Orchestration;

/// <summary>What the drivers share: options, logs, the probe, the build gate, the OTLP endpoint.</summary>
internal sealed class OrchestrationContext(AppHostOptions options, IReadOnlyList<Resource> resources) : IDisposable
{
    private readonly SemaphoreSlim _buildGate = new(1, 1);
    private readonly object _buildAllGate = new();
    private Task<bool>? _buildAll;
    private readonly Dictionary<string, LogBuffer> _logs = resources.ToDictionary(
        r => r.Name,
        r => new LogBuffer(filePath: Path.Combine(options.DataDirectory, "logs", r.Name + ".log")));

    public AppHostOptions Options { get; } = options;

    public HealthProbe Probe { get; } = new();

    /// <summary>Where services export OTLP (the dashboard), or null when no dashboard runs.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The dotnet host that runs the built dlls.</summary>
    public string DotnetHost { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
        ? host
        : "dotnet";

    public LogBuffer LogsOf(Resource resource) => _logs[resource.Name];

    public LogBuffer? LogsOf(string name) => _logs.GetValueOrDefault(name);

    public IReadOnlyDictionary<string, string> EnvironmentFor(Resource resource, int replica) =>
        EnvironmentBuilder.For(resource, replica, OtlpEndpoint);

    /// <summary>
    /// One parallel <c>dotnet build</c> of every project resource through a solution filter of the repository's
    /// Diffusion.sln (shared dependencies evaluated and built once), started by the first project that needs it.
    /// False when it failed or cannot be used (no solution, a project outside it): callers then build one by one,
    /// which also tells which project is broken.
    /// </summary>
    public Task<bool> BuildAllProjectsAsync(CancellationToken cancellationToken)
    {
        lock (_buildAllGate)
        {
            return _buildAll ??= BuildAllCoreAsync(cancellationToken);
        }
    }

    private async Task<bool> BuildAllCoreAsync(CancellationToken cancellationToken)
    {
        var solution = Path.Combine(Options.RepositoryRoot, "Diffusion.sln");
        var projects = resources.OfType<ProjectResource>().Select(p => p.ProjectPath).Distinct().ToList();
        if (projects.Count == 0 || !File.Exists(solution))
        {
            return false;
        }
        var solutionText = await File.ReadAllTextAsync(solution, cancellationToken).ConfigureAwait(false);
        var relative = projects.Select(p => Path.GetRelativePath(Options.RepositoryRoot, p).Replace('/', '\\')).ToList();
        if (!relative.All(p => solutionText.Contains(p, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        var filter = Path.Combine(Options.DataDirectory, "build", "services.slnf");
        Directory.CreateDirectory(Path.GetDirectoryName(filter)!);
        await File.WriteAllTextAsync(filter, System.Text.Json.JsonSerializer.Serialize(new
        {
            solution = new { path = solution, projects = relative },
        }), cancellationToken).ConfigureAwait(false);

        await _buildGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = DateTime.UtcNow;
            var (code, output) = await Provisioning.RunAsync(
                DotnetHost, ["build", filter, "-nologo", "-v", "q", "-clp:NoSummary", "-nodeReuse:false"], TimeSpan.FromMinutes(15),
                cancellationToken, WithoutMSBuildVariables()).ConfigureAwait(false);
            var summary = code == 0
                ? $"dotnet build of every service: {(DateTime.UtcNow - started).TotalSeconds:F1} s"
                : $"dotnet build of every service failed (exit {code}); building each on its own";
            foreach (var project in resources.OfType<ProjectResource>())
            {
                LogsOf(project).Add("build", summary, isError: code != 0);
            }
            return code == 0;
        }
        finally
        {
            _buildGate.Release();
        }
    }

    // MSBuild variables inherited from a parent `dotnet run`/`dotnet test` would point the child build at the
    // parent's MSBuild: drop them.
    private static Dictionary<string, string?> WithoutMSBuildVariables() =>
        Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(key => key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(key => key, _ => (string?)null);

    /// <summary>
    /// dotnet build of one project. One build at a time: the services share Contracts, Rules, Grpc and ServiceDefaults,
    /// and two builds writing the same obj/ folders at once break each other.
    /// </summary>
    public async Task BuildAsync(string projectPath, LogBuffer logs, CancellationToken cancellationToken)
    {
        await _buildGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            logs.Add("build", $"dotnet build {projectPath}");
            var started = DateTime.UtcNow;
            var environment = WithoutMSBuildVariables();
            var (code, output) = await Provisioning.RunAsync(
                DotnetHost, ["build", projectPath, "-nologo", "-v", "q", "-clp:NoSummary", "-nodeReuse:false"], TimeSpan.FromMinutes(10),
                cancellationToken, environment).ConfigureAwait(false);
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                logs.Add("build", line, isError: line.Contains("error", StringComparison.Ordinal));
            }
            if (code != 0)
            {
                throw new InvalidOperationException($"dotnet build failed (exit {code}); see the resource's log");
            }
            logs.Add("build", $"built in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        }
        finally
        {
            _buildGate.Release();
        }
    }

    public void Dispose()
    {
        Probe.Dispose();
        _buildGate.Dispose();
        foreach (var buffer in _logs.Values)
        {
            buffer.Dispose();
        }
    }
}
