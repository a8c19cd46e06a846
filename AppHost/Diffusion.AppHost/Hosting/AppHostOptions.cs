using System.Reflection;

namespace Diffusion.AppHost.Hosting;

/// <summary>
/// Settings of the orchestrator, from the command line (<c>--dashboard-url</c>, <c>--data-dir</c>, <c>--build</c>,
/// <c>--no-build</c>), environment variables prefixed <c>DIFFUSION_APPHOST_</c> or the <c>AppHost</c>/<c>Dashboard</c>
/// configuration sections.
/// </summary>
public sealed class AppHostOptions
{
    /// <summary>Command-line switches and the configuration keys they set.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--dashboard-url"] = "Dashboard:Url",
        ["--data-dir"] = "AppHost:DataDirectory",
        ["--health-timeout"] = "AppHost:HealthTimeoutSeconds",
        ["--repo-root"] = "AppHost:RepositoryRoot",
    };

    /// <summary>Where the dashboard (and its OTLP/HTTP receiver) listens. Port 0 picks a free port.</summary>
    public string DashboardUrl { get; set; } = "http://127.0.0.1:18888";

    /// <summary>The repository root (holds Diffusion.sln); relative project paths resolve against it.</summary>
    public string RepositoryRoot { get; set; } = "";

    /// <summary>Persistent state: Redis and PostgreSQL data, pid files of running processes. Default: .diffusion/ in the repo.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>How long a WaitFor waits for health before starting the dependent anyway (logged as a warning).</summary>
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a stopping process gets between SIGTERM and SIGKILL.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Build projects before running them: Always, Never, or IfMissing (only when the dll is absent).</summary>
    public BuildMode Build { get; set; } = BuildMode.Always;

    /// <summary>First restart delay after a crash; doubles per consecutive crash up to <see cref="MaxRestartDelay"/>.</summary>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the restart backoff.</summary>
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Interval of health probes once a resource runs.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>redis-server to run; null: /usr/bin/redis-server or PATH, installed with apt-get when missing and root.</summary>
    public string? RedisServerPath { get; set; }

    /// <summary>Print the console summary when everything is up.</summary>
    public bool PrintSummary { get; set; } = true;

    /// <summary>Reads the options; relative paths resolve against the repository root.</summary>
    public static AppHostOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new AppHostOptions();
        options.DashboardUrl = configuration["Dashboard:Url"] ?? options.DashboardUrl;
        options.RepositoryRoot = Path.GetFullPath(configuration["AppHost:RepositoryRoot"] ?? FindRepositoryRoot());
        var dataDirectory = configuration["AppHost:DataDirectory"] ?? ".diffusion";
        options.DataDirectory = Path.GetFullPath(dataDirectory, options.RepositoryRoot);
        if (double.TryParse(configuration["AppHost:HealthTimeoutSeconds"], System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            options.HealthTimeout = TimeSpan.FromSeconds(seconds);
        }
        options.RedisServerPath = configuration["AppHost:RedisServerPath"];
        if (configuration["AppHost:Build"] is { } build)
        {
            options.Build = Enum.Parse<BuildMode>(build, ignoreCase: true);
        }
        return options;
    }

    /// <summary>
    /// The folder holding Diffusion.sln: the one recorded at build time if it still exists, else the first found walking
    /// up from the current directory, else from the AppHost's own directory.
    /// </summary>
    public static string FindRepositoryRoot()
    {
        var recorded = typeof(AppHostOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "Diffusion.sln")))
        {
            return Path.GetFullPath(recorded);
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Diffusion.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        return Directory.GetCurrentDirectory();
    }
}

/// <summary>When the AppHost builds project resources.</summary>
public enum BuildMode
{
    /// <summary>dotnet build each project before its first start (incremental: quick when up to date).</summary>
    Always,

    /// <summary>Only when the built dll is missing.</summary>
    IfMissing,

    /// <summary>Never; a missing dll fails the resource.</summary>
    Never,
}
