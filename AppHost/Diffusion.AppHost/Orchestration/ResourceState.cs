namespace Diffusion.AppHost.Orchestration;

/// <summary>Lifecycle of a resource (and of each of its replicas).</summary>
public enum ResourceState
{
    /// <summary>Declared, not started.</summary>
    NotStarted,

    /// <summary>Waiting for the resources it waits for to be healthy.</summary>
    Waiting,

    /// <summary>Being built or provisioned (dotnet build, initdb, apt-get).</summary>
    Building,

    /// <summary>Process started, not yet ready.</summary>
    Starting,

    /// <summary>Running and ready (health may still change).</summary>
    Running,

    /// <summary>Crashed; restarting after a backoff delay.</summary>
    Restarting,

    /// <summary>Could not be built or provisioned; see its log.</summary>
    FailedToStart,

    /// <summary>Being stopped.</summary>
    Stopping,

    /// <summary>Stopped by the AppHost.</summary>
    Stopped,
}

/// <summary>One process of a resource.</summary>
/// <param name="Name">"quota-1": resource name and replica index.</param>
/// <param name="State">Lifecycle state.</param>
/// <param name="Health">Latest probe result.</param>
/// <param name="HealthDetail">What the probe saw.</param>
/// <param name="ProcessId">Pid (= process group id) while running.</param>
/// <param name="Restarts">Restarts after crashes.</param>
/// <param name="Endpoint">Where it listens.</param>
/// <param name="StartedAt">Start of the current process.</param>
/// <param name="LastExitCode">Exit code of the previous process, after a crash.</param>
public sealed record ReplicaSnapshot(
    string Name,
    ResourceState State,
    HealthStatus Health,
    string HealthDetail,
    int? ProcessId,
    int Restarts,
    string? Endpoint,
    DateTimeOffset? StartedAt,
    int? LastExitCode);

/// <summary>A resource as the dashboard and GET /api/resources show it.</summary>
/// <param name="Name">Resource name.</param>
/// <param name="Kind">redis, postgres, database, project, executable.</param>
/// <param name="State">The least advanced replica's state.</param>
/// <param name="Health">Healthy only when every replica is.</param>
/// <param name="Endpoints">Connection string or URLs.</param>
/// <param name="Restarts">Sum over replicas.</param>
/// <param name="WaitsFor">Names it waited for.</param>
/// <param name="References">Names it references.</param>
/// <param name="Replicas">Per process.</param>
/// <param name="ReadyAt">When every replica was first ready.</param>
public sealed record ResourceSnapshot(
    string Name,
    string Kind,
    ResourceState State,
    HealthStatus Health,
    IReadOnlyList<string> Endpoints,
    int Restarts,
    IReadOnlyList<string> WaitsFor,
    IReadOnlyList<string> References,
    IReadOnlyList<ReplicaSnapshot> Replicas,
    DateTimeOffset? ReadyAt);
