using System.Globalization;
using Diffusion.AppHost.Hosting;

namespace Diffusion.AppHost.Orchestration;

/// <summary>
/// Starts resources in dependency order (each after what it waits for is healthy, bounded by the health timeout),
/// supervises their processes (health probes; restart after a crash with exponential backoff) and stops them in
/// reverse order, leaving no process behind.
/// </summary>
internal sealed partial class Orchestrator : IAsyncDisposable
{
    private readonly IReadOnlyList<Resource> _order;
    private readonly Dictionary<Resource, ResourceRuntime> _runtimes = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly PidFiles _pidFiles;
    private bool _stopped;
    private ProvisioningException? _provisioningFailure;

    public Orchestrator(AppHostOptions options, IReadOnlyList<Resource> order, ILogger logger)
    {
        _order = order;
        _logger = logger;
        Context = new OrchestrationContext(options, order);
        _pidFiles = new PidFiles(Path.Combine(options.DataDirectory, "run"));
        foreach (var resource in order)
        {
            _runtimes[resource] = new ResourceRuntime(ResourceDriver.For(resource, Context), Context);
        }
    }

    public OrchestrationContext Context { get; }

    public IReadOnlyList<Resource> Resources => _order;

    public IReadOnlyList<ResourceSnapshot> Snapshot() => [.. _order.Select(r => _runtimes[r].Snapshot())];

    public ResourceSnapshot Snapshot(string name) =>
        _runtimes.Values.FirstOrDefault(r => r.Resource.Name == name)?.Snapshot()
        ?? throw new KeyNotFoundException($"no resource named '{name}'");

    /// <summary>Current process id of a replica (null when not running).</summary>
    internal int? ProcessIdOf(string name, int replica = 0) =>
        _runtimes.Values.First(r => r.Resource.Name == name).Replicas[replica].ProcessId;

    /// <summary>
    /// Allocates ports, kills processes left by an AppHost that died without stopping them, starts everything and
    /// returns when every resource is ready, failed, or out of health-wait time.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Context.Options.DataDirectory);
        await _pidFiles.KillLeftoversAsync(line => Log.Leftover(_logger, line)).ConfigureAwait(false);
        AllocatePorts();
        WriteEndpointsFile();
        foreach (var resource in _order)
        {
            var runtime = _runtimes[resource];
            var dependencies = DependencyGraph.Dependencies(resource).Select(d => _runtimes[d]).ToList();
            runtime.Run = RunResourceAsync(runtime, dependencies, _stopping.Token);
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        try
        {
            await Task.WhenAll(_runtimes.Values.Select(r => r.Settled)).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_provisioningFailure is not null)
        {
        }
        if (_provisioningFailure is not null)
        {
            throw _provisioningFailure;
        }
    }

    /// <summary>Stops every resource in reverse start order; verifies that no process of any group is left.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var resource in _order.Reverse())
        {
            var runtime = _runtimes[resource];
            var left = await runtime.StopAsync(_pidFiles).ConfigureAwait(false);
            if (left.Count > 0)
            {
                Log.Orphans(_logger, resource.Name, string.Join(", ", left));
            }
        }
        foreach (var runtime in _runtimes.Values)
        {
            if (runtime.Run is { } run)
            {
                await run.ConfigureAwait(false);
            }
        }
        File.Delete(EndpointsFile);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        Context.Dispose();
    }

    /// <summary>
    /// {data}/endpoints.json: the first endpoint of every project (<c>{ "decisions": "http://127.0.0.1:5001", ... }</c>),
    /// where the diffusion CLI finds the services while the AppHost runs; removed when it stops.
    /// </summary>
    private string EndpointsFile => Path.Combine(Context.Options.DataDirectory, "endpoints.json");

    private void WriteEndpointsFile()
    {
        var endpoints = _order.OfType<ProjectResource>().ToDictionary(p => p.Name, p => p.Urls.First());
        File.WriteAllText(EndpointsFile, System.Text.Json.JsonSerializer.Serialize(endpoints, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    private void AllocatePorts()
    {
        var taken = new HashSet<int>();
        int Next()
        {
            while (true)
            {
                var port = FreePort();
                if (taken.Add(port))
                {
                    return port;
                }
            }
        }
        foreach (var resource in _order)
        {
            switch (resource)
            {
                case RedisResource redis:
                    redis.Port = Next();
                    break;
                case PostgresServerResource postgres:
                    postgres.Port = Next();
                    break;
                case ProjectResource project:
                    project.Ports.Clear();
                    for (var i = 0; i < project.Replicas; i++)
                    {
                        project.Ports.Add(Next());
                    }
                    break;
                default:
                    break;
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RunResourceAsync(ResourceRuntime runtime, List<ResourceRuntime> dependencies, CancellationToken stopping)
    {
        await Task.Yield();
        var resource = runtime.Resource;
        try
        {
            runtime.SetAll(ResourceState.Waiting);
            foreach (var dependency in dependencies)
            {
                if (!await dependency.WaitSettledAsync(stopping).ConfigureAwait(false))
                {
                    Log.DependencyNotReady(_logger, resource.Name, dependency.Resource.Name);
                    Context.LogsOf(resource).Add("apphost", $"{dependency.Resource.Name} is not healthy; starting anyway", isError: true);
                }
            }
            runtime.SetAll(ResourceState.Building);
            await runtime.Driver.PrepareAsync(stopping).ConfigureAwait(false);
            if (runtime.Driver.Spec(0) is null)
            {
                await runtime.Driver.CreateAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            runtime.SetAll(ResourceState.Stopped);
            runtime.MarkSettled();
            return;
        }
        catch (ProvisioningException ex)
        {
            // Redis or PostgreSQL missing and not installable: nothing useful can run; the AppHost stops with the command.
            _provisioningFailure ??= ex;
            runtime.Fail(ex);
            Log.FailedToStart(_logger, resource.Name, ex.Message);
            foreach (var other in _runtimes.Values)
            {
                other.MarkSettled();
            }
            await _stopping.CancelAsync().ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            runtime.Fail(ex);
            Log.FailedToStart(_logger, resource.Name, ex.Message);
            return;
        }

        var replicas = Enumerable.Range(0, resource.Replicas)
            .Select(i => runtime.Replicas[i].SuperviseAsync(runtime.Driver, _pidFiles, Context.Options, stopping, _logger))
            .ToList();
        _ = runtime.SettleWithinAsync(Context.Options.HealthTimeout, stopping);
        await Task.WhenAll(replicas).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "{Resource}: {Dependency} is not healthy (failed, or no health within the health timeout); starting anyway")]
        public static partial void DependencyNotReady(ILogger logger, string resource, string dependency);

        [LoggerMessage(2, LogLevel.Error, "{Resource} failed to start: {Message}")]
        public static partial void FailedToStart(ILogger logger, string resource, string message);

        [LoggerMessage(3, LogLevel.Error, "{Resource}: processes still alive after SIGKILL: {Pids}")]
        public static partial void Orphans(ILogger logger, string resource, string pids);

        [LoggerMessage(4, LogLevel.Warning, "{Line}")]
        public static partial void Leftover(ILogger logger, string line);
    }
}

/// <summary>One resource at run time: its driver, its replicas, and when it became ready.</summary>
internal sealed class ResourceRuntime
{
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly OrchestrationContext _context;

    public ResourceRuntime(ResourceDriver driver, OrchestrationContext context)
    {
        Driver = driver;
        _context = context;
        Replicas = [.. Enumerable.Range(0, driver.Resource.Replicas).Select(i => new ReplicaRuntime(driver.Resource, i, context.LogsOf(driver.Resource)))];
    }

    public ResourceDriver Driver { get; }

    public Resource Resource => Driver.Resource;

    public IReadOnlyList<ReplicaRuntime> Replicas { get; }

    public Task? Run { get; set; }

    /// <summary>Completes when every replica is ready, or the resource failed, or its health wait ran out.</summary>
    public Task Settled => _settled.Task;

    public bool IsReady => Replicas.All(r => r.IsReady);

    public DateTimeOffset? ReadyAt => IsReady ? Replicas.Max(r => r.ReadyAt) : null;

    public void SetAll(ResourceState state)
    {
        foreach (var replica in Replicas)
        {
            replica.State = state;
        }
    }

    public void Fail(Exception error)
    {
        foreach (var replica in Replicas)
        {
            replica.State = ResourceState.FailedToStart;
            replica.Health = HealthStatus.Unhealthy;
            replica.HealthDetail = error.Message;
        }
        _context.LogsOf(Resource).Add("apphost", $"failed to start: {error.Message}", isError: true);
        _settled.TrySetResult();
    }

    public void MarkSettled() => _settled.TrySetResult();

    /// <summary>
    /// Waits until the resource is settled: ready, failed, or out of health-wait time (counted from its process start,
    /// so a long build of the dependency does not eat the dependent's patience). True when ready.
    /// </summary>
    public async Task<bool> WaitSettledAsync(CancellationToken cancellationToken)
    {
        await _settled.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return IsReady;
    }

    public async Task SettleWithinAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(Replicas.Select(r => r.Ready)).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _context.LogsOf(Resource).Add("apphost", $"not healthy after {timeout.TotalSeconds:F0} s", isError: true);
        }
        catch (OperationCanceledException)
        {
        }
        _settled.TrySetResult();
    }

    public async Task<IReadOnlyList<int>> StopAsync(PidFiles pidFiles)
    {
        var results = await Task.WhenAll(Replicas.Select(r => r.StopAsync(Driver, pidFiles, _context.Options.StopTimeout))).ConfigureAwait(false);
        _settled.TrySetResult();
        return [.. results.SelectMany(r => r)];
    }

    public ResourceSnapshot Snapshot()
    {
        var replicas = Replicas.Select(r => r.Snapshot(Driver)).ToList();
        var state = replicas.Select(r => r.State).Min();
        if (replicas.Any(r => r.State is ResourceState.FailedToStart or ResourceState.Restarting))
        {
            state = replicas.First(r => r.State is ResourceState.FailedToStart or ResourceState.Restarting).State;
        }
        var health = replicas.All(r => r.Health == HealthStatus.Healthy) ? HealthStatus.Healthy
            : replicas.Any(r => r.Health == HealthStatus.Unhealthy) ? HealthStatus.Unhealthy
            : HealthStatus.Unknown;
        return new ResourceSnapshot(
            Resource.Name,
            Resource.Kind,
            state,
            health,
            Driver.Endpoints,
            replicas.Sum(r => r.Restarts),
            [.. Resource.WaitsFor.Select(r => r.Name)],
            [.. Resource.References.Select(r => r.Name)],
            replicas,
            ReadyAt);
    }
}

/// <summary>One process of a resource and its supervision loop.</summary>
internal sealed partial class ReplicaRuntime(Resource resource, int index, LogBuffer logs)
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ManagedProcess? _process;
    private bool _stopRequested;

    public string Name { get; } = resource.Replicas > 1 || resource is ProjectResource ? $"{resource.Name}-{index}" : resource.Name;

    public int Index { get; } = index;

    public ResourceState State { get; set; } = ResourceState.NotStarted;

    public HealthStatus Health { get; set; } = HealthStatus.Unknown;

    public string HealthDetail { get; set; } = "";

    public int Restarts { get; private set; }

    public int? LastExitCode { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? ReadyAt { get; private set; }

    public int? ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _process?.Id;
            }
        }
    }

    public Task Ready => _ready.Task;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    public ReplicaSnapshot Snapshot(ResourceDriver driver) => new(
        Name, State, Health, HealthDetail, ProcessId, Restarts,
        driver.Endpoints.Count > Index ? driver.Endpoints[Index] : driver.Endpoints.FirstOrDefault(),
        StartedAt, LastExitCode);

    /// <summary>
    /// Runs the process until the AppHost stops: start, probe until ready, keep probing; on an unexpected exit kill
    /// what is left of its group and start again after 1 s, 2 s, 4 s ... (capped; reset after 30 s of good running).
    /// Resources without a process (databases) are only probed.
    /// </summary>
    public async Task SuperviseAsync(ResourceDriver driver, PidFiles pidFiles, AppHostOptions options, CancellationToken stopping, ILogger logger)
    {
        var spec = driver.Spec(Index);
        if (spec is null)
        {
            State = ResourceState.Starting;
            StartedAt = DateTimeOffset.UtcNow;
            await ProbeLoopAsync(driver, options, stopping).ConfigureAwait(false);
            return;
        }

        var consecutiveCrashes = 0;
        while (true)
        {
            ManagedProcess process;
            lock (_gate)
            {
                if (_stopRequested || stopping.IsCancellationRequested)
                {
                    return;
                }
                State = ResourceState.Starting;
                Health = HealthStatus.Unknown;
                HealthDetail = "";
                StartedAt = DateTimeOffset.UtcNow;
                try
                {
                    process = ManagedProcess.Start(spec, (line, isError) => logs.Add(Name, line, isError));
                }
                catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
                {
                    State = ResourceState.FailedToStart;
                    HealthDetail = ex.Message;
                    logs.Add("apphost", $"{Name}: could not start {spec.FileName}: {ex.Message}", isError: true);
                    return;
                }
                _process = process;
            }
            pidFiles.Write(Name, process.Id);
            logs.Add("apphost", $"{Name}: started pid {process.Id}: {spec.FileName} {string.Join(' ', spec.Arguments)}");

            using var running = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var probing = ProbeLoopAsync(driver, options, running.Token);
            int exitCode;
            try
            {
                exitCode = await process.Exited.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await running.CancelAsync().ConfigureAwait(false);
                await probing.ConfigureAwait(false);
                return;   // StopAsync stops the process
            }
            await running.CancelAsync().ConfigureAwait(false);
            await probing.ConfigureAwait(false);

            lock (_gate)
            {
                if (_stopRequested)
                {
                    return;
                }
            }
            // Crashed (or exited on its own): clear what is left of its group, then restart with backoff.
            await ProcessGroups.StopAsync(process.Id, ProcessGroups.SigKill, TimeSpan.Zero).ConfigureAwait(false);
            pidFiles.Delete(Name);
            var ranFor = DateTimeOffset.UtcNow - StartedAt!.Value;
            consecutiveCrashes = ranFor > TimeSpan.FromSeconds(30) ? 1 : consecutiveCrashes + 1;
            var delay = TimeSpan.FromTicks(Math.Min(
                options.MaxRestartDelay.Ticks,
                options.RestartDelay.Ticks * (1L << Math.Min(consecutiveCrashes - 1, 20))));
            LastExitCode = exitCode;
            Restarts++;
            State = ResourceState.Restarting;
            Health = HealthStatus.Unhealthy;
            HealthDetail = $"exited with code {exitCode}";
            logs.Add("apphost", $"{Name}: exited with code {exitCode} after {ranFor.TotalSeconds:F1} s; restart #{Restarts} in {delay.TotalSeconds:F0} s", isError: true);
            Log.Restarting(logger, Name, exitCode, delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task<IReadOnlyList<int>> StopAsync(ResourceDriver driver, PidFiles pidFiles, TimeSpan grace)
    {
        ManagedProcess? process;
        lock (_gate)
        {
            _stopRequested = true;
            process = _process;
        }
        if (process is null)
        {
            State = State is ResourceState.FailedToStart ? State : ResourceState.Stopped;
            return [];
        }
        State = ResourceState.Stopping;
        var (signal, leaderOnly) = driver.StopSignal;
        var left = await process.StopAsync(signal, grace, leaderOnly).ConfigureAwait(false);
        pidFiles.Delete(Name);
        logs.Add("apphost", $"{Name}: stopped");
        State = ResourceState.Stopped;
        Health = HealthStatus.Unknown;
        lock (_gate)
        {
            _process = null;
        }
        process.Dispose();
        return left;
    }

    private async Task ProbeLoopAsync(ResourceDriver driver, AppHostOptions options, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ProbeResult result;
            try
            {
                result = await driver.ProbeAsync(Index, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            Health = result.Status;
            HealthDetail = result.Detail;
            if (result.Ready && State is ResourceState.Starting)
            {
                State = ResourceState.Running;
                if (ReadyAt is null)
                {
                    ReadyAt = DateTimeOffset.UtcNow;
                }
                _ready.TrySetResult();
                logs.Add("apphost", $"{Name}: ready ({result.Status}: {Truncate(result.Detail)})");
            }
            var interval = State is ResourceState.Running ? options.HealthInterval : TimeSpan.FromMilliseconds(200);
            try
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string Truncate(string text) => text.Length > 120 ? text[..120] + "..." : text;

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Warning, "{Replica} exited with code {ExitCode}; restarting in {Seconds} s")]
        public static partial void Restarting(ILogger logger, string replica, int exitCode, double seconds);
    }
}

/// <summary>
/// {data}/run/{replica}.pid: process group and start time of every running child, so that an AppHost killed without
/// a chance to stop its children (SIGKILL, power loss of the terminal) cleans them up on its next start.
/// </summary>
internal sealed class PidFiles(string directory)
{
    public void Write(string name, int processId)
    {
        Directory.CreateDirectory(directory);
        var started = ProcessGroups.StartTime(processId) ?? 0;
        File.WriteAllText(Path.Combine(directory, name + ".pid"), $"{processId} {started.ToString(CultureInfo.InvariantCulture)}\n");
    }

    public void Delete(string name) => File.Delete(Path.Combine(directory, name + ".pid"));

    public async Task KillLeftoversAsync(Action<string> log)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }
        foreach (var file in Directory.EnumerateFiles(directory, "*.pid"))
        {
            var parts = (await File.ReadAllTextAsync(file).ConfigureAwait(false)).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && int.TryParse(parts[0], out var pid) && long.TryParse(parts[1], out var started)
                && ProcessGroups.StartTime(pid) == started)
            {
                log($"stopping process group {pid} ({Path.GetFileNameWithoutExtension(file)}) left by a previous AppHost");
                await ProcessGroups.StopAsync(pid, ProcessGroups.SigTerm, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            File.Delete(file);
        }
    }
}
