using System.Runtime.InteropServices;
using System.Text;
using Diffusion.AppHost.Dashboard;
using Diffusion.AppHost.Orchestration;

namespace Diffusion.AppHost.Hosting;

/// <summary>The running application: dashboard + orchestrator (Aspire's DistributedApplication).</summary>
public sealed partial class DistributedApplication : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Orchestrator _orchestrator;
    private DashboardServer? _dashboard;

    internal DistributedApplication(AppHostOptions options, IReadOnlyList<Resource> order)
    {
        Options = options;
        _loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            }));
        _logger = _loggerFactory.CreateLogger("Diffusion.AppHost");
        _orchestrator = new Orchestrator(options, order, _logger);
    }

    /// <summary>The settings in effect.</summary>
    public AppHostOptions Options { get; }

    /// <summary>Where the dashboard listens (after <see cref="StartAsync"/>).</summary>
    public Uri? DashboardUrl => _dashboard?.Url;

    internal Orchestrator Orchestrator => _orchestrator;

    /// <summary>Creates a builder; <paramref name="args"/> may hold <c>--dashboard-url</c>, <c>--data-dir</c> etc.</summary>
    public static DistributedApplicationBuilder CreateBuilder(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables("DIFFUSION_APPHOST_")
            .AddCommandLine(args, new Dictionary<string, string>(AppHostOptions.SwitchMappings))
            .Build();
        return new DistributedApplicationBuilder(configuration, AppHostOptions.From(configuration));
    }

    /// <summary>Resources as they are now.</summary>
    public IReadOnlyList<ResourceSnapshot> GetResources() => _orchestrator.Snapshot();

    /// <summary>One resource as it is now.</summary>
    public ResourceSnapshot GetResource(string name) => _orchestrator.Snapshot(name);

    /// <summary>Console lines of a resource.</summary>
    public IReadOnlyList<LogLine> GetLogs(string name, long afterSequence = 0) =>
        _orchestrator.Context.LogsOf(name)?.After(afterSequence) ?? [];

    /// <summary>Starts the dashboard, then every resource; returns when all are ready (or out of health-wait time).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var started = DateTime.UtcNow;
        _dashboard = await DashboardServer.StartAsync(Options.DashboardUrl, _orchestrator, _loggerFactory, cancellationToken).ConfigureAwait(false);
        _orchestrator.Context.OtlpEndpoint = _dashboard.Url;
        Log.DashboardListening(_logger, _dashboard.Url);
        await _orchestrator.StartAsync(cancellationToken).ConfigureAwait(false);
        if (Options.PrintSummary)
        {
            Console.Out.Write(Summary(GetResources(), _dashboard.Url, DateTime.UtcNow - started));
        }
    }

    /// <summary>Stops every resource in reverse order, then the dashboard.</summary>
    public async Task StopAsync()
    {
        await _orchestrator.StopAsync().ConfigureAwait(false);
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync().ConfigureAwait(false);
            _dashboard = null;
        }
    }

    /// <summary>Runs until Ctrl+C or SIGTERM, then stops everything.</summary>
    public void Run() => RunAsync().GetAwaiter().GetResult();

    /// <summary>Runs until Ctrl+C, SIGTERM or <paramref name="cancellationToken"/>, then stops everything.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;   // we stop the children ourselves, in order
            shutdown.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);
        try
        {
            await StartAsync(shutdown.Token).ConfigureAwait(false);
            Log.Running(_logger);
            await Task.Delay(Timeout.Infinite, shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
        }
        catch (ProvisioningException ex)
        {
            Log.CannotStart(_logger, ex.Message);
            Environment.ExitCode = 1;
        }
        finally
        {
            Log.Stopping(_logger);
            await StopAsync().ConfigureAwait(false);
            Log.Stopped(_logger);
        }
    }

    /// <summary>Stops everything and releases the logs.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _orchestrator.DisposeAsync().ConfigureAwait(false);
        _loggerFactory.Dispose();
    }

    /// <summary>The console table printed when the system is up.</summary>
    internal static string Summary(IReadOnlyList<ResourceSnapshot> resources, Uri dashboard, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"Diffusion AppHost: {resources.Count(r => r.State == ResourceState.Running)}/{resources.Count} resources running after {elapsed.TotalSeconds:F1} s. Dashboard: {dashboard}");
        text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {"RESOURCE",-16}{"KIND",-11}{"STATE",-14}{"HEALTH",-10}{"RESTARTS",-9}ENDPOINTS");
        foreach (var resource in resources)
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {resource.Name,-16}{resource.Kind,-11}{resource.State,-14}{resource.Health,-10}{resource.Restarts,-9}{string.Join("  ", resource.Endpoints)}");
        }
        text.AppendLine("Press Ctrl+C to stop everything.");
        return text.ToString();
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Information, "Dashboard and OTLP/HTTP receiver: {Url}")]
        public static partial void DashboardListening(ILogger logger, Uri url);

        [LoggerMessage(21, LogLevel.Information, "Running. Ctrl+C stops every resource in reverse order.")]
        public static partial void Running(ILogger logger);

        [LoggerMessage(22, LogLevel.Information, "Stopping...")]
        public static partial void Stopping(ILogger logger);

        [LoggerMessage(24, LogLevel.Critical, "Cannot start the system: {Message}")]
        public static partial void CannotStart(ILogger logger, string message);

        [LoggerMessage(23, LogLevel.Information, "Stopped; no process left.")]
        public static partial void Stopped(ILogger logger);
    }
}
