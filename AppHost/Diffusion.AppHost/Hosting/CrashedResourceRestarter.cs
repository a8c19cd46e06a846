namespace Diffusion.AppHost.Hosting;

/// <summary>
/// Starts again a resource whose process died. DCP never does: after a crash (SIGKILL, an unhandled exception)
/// redis-server, postgres or a service replica goes from Running straight to a terminal state and stays there. A stop
/// asked for on the dashboard passes through Stopping first, so it is left alone; so are run-to-completion resources
/// (those another resource waits for with WaitForCompletion, such as the initdb step, or marked with
/// <see cref="RunToCompletionAnnotation"/>, such as load-test workers) and resources started only on
/// request (WithExplicitStart, such as Aspire's project rebuilders). Replicas restart one by one:
/// the start command goes to the replica's resource id (<c>quota-ab12cd34</c>). Crashes in quick succession back off
/// from 1 s to 30 s, so a resource that cannot live does not spin.
/// </summary>
internal sealed partial class CrashedResourceRestarter(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService resourceLogs,
    DistributedApplicationModel model,
    IHostApplicationLifetime lifetime,
    ILogger<CrashedResourceRestarter> logger) : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMinutes(1);
    private const int MaxStartAttempts = 8;

    private readonly Dictionary<string, (int Count, DateTimeOffset Last)> _crashes = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        var runToCompletion = model.Resources
            .SelectMany(resource => resource.Annotations.OfType<WaitAnnotation>())
            .Where(wait => wait.WaitType == WaitType.WaitForCompletion)
            .Select(wait => wait.Resource)
            .ToHashSet();
        var lastState = new Dictionary<string, string?>(StringComparer.Ordinal);
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping.Token).ConfigureAwait(false))
            {
                var state = update.Snapshot.State?.Text;
                lastState.TryGetValue(update.ResourceId, out var before);
                lastState[update.ResourceId] = state;
                if (update.Resource is ExecutableResource or ProjectResource
                    && !update.Resource.HasAnnotationOfType<ExplicitStartupAnnotation>()
                    && !update.Resource.HasAnnotationOfType<RunToCompletionAnnotation>()
                    && before == KnownResourceStates.Running
                    && KnownResourceStates.TerminalStates.Contains(state)
                    && !runToCompletion.Contains(update.Resource))
                {
                    _ = RestartAsync(update.ResourceId, update.Snapshot.ExitCode, stopping.Token);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The application is stopping: every resource is meant to go down now.
        }
    }

    private async Task RestartAsync(string resourceId, int? exitCode, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var count = _crashes.TryGetValue(resourceId, out var crash) && now - crash.Last < QuietPeriod ? crash.Count + 1 : 1;
        _crashes[resourceId] = (count, now);
        var delay = count == 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, count - 2), MaxDelay.TotalSeconds));
        var resourceLog = resourceLogs.GetLogger(resourceId);
        Log.Restarting(logger, resourceId, exitCode, delay.TotalSeconds);
        Log.Restarting(resourceLog, resourceId, exitCode, delay.TotalSeconds);
        try
        {
            for (var attempt = 1; attempt <= MaxStartAttempts; attempt++)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                // Start waits for the resource's dependencies again, and fails if one of them is down too.
                var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, cancellationToken).ConfigureAwait(false);
                if (result.Success)
                {
                    Log.Restarted(logger, resourceId);
                    Log.Restarted(resourceLog, resourceId);
                    return;
                }
                Log.StartFailed(logger, resourceId, attempt, result.Message);
                delay = TimeSpan.FromSeconds(Math.Min(Math.Max(2 * delay.TotalSeconds, 1), MaxDelay.TotalSeconds));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: nothing to restart.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{ResourceId} exited unasked (exit code {ExitCode}); starting it again in {DelaySeconds} s")]
        public static partial void Restarting(ILogger logger, string resourceId, int? exitCode, double delaySeconds);

        [LoggerMessage(Level = LogLevel.Information, Message = "{ResourceId} started again")]
        public static partial void Restarted(ILogger logger, string resourceId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{ResourceId} did not start again (attempt {Attempt}): {Error}")]
        public static partial void StartFailed(ILogger logger, string resourceId, int attempt, string? error);
    }
}
