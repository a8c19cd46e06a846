using Diffusion.AppHost.Hosting;

namespace Diffusion.AppHost.Orchestration;

/// <summary>What the drivers share: options, logs, the probe, the build gate, the OTLP endpoint.</summary>
internal sealed class OrchestrationContext(AppHostOptions options, IReadOnlyList<Resource> resources) : IDisposable
{
    private readonly SemaphoreSlim _buildGate = new(1, 1);
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
            // MSBuild variables inherited from a parent `dotnet run`/`dotnet test` would point the child build at
            // the parent's MSBuild node: drop them.
            var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
                .Where(key => key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(key => key, _ => (string?)null);
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
