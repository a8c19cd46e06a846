using System.Threading.Channels;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Grpc.HealthCheck;

/// <summary>
/// The standard <c>grpc.health.v1.Health</c> service (grpc/doc/health-checking.md). Statuses are kept per service
/// name; the empty name is the server as a whole. Services set their own with <see cref="SetStatus"/>. When ASP.NET
/// Core health checks are registered, the empty name follows them: <c>Check("")</c> runs them on demand and a
/// publisher keeps <c>Watch("")</c> current.
/// </summary>
public sealed class HealthServiceImpl(HealthCheckService? healthChecks = null) : global::Grpc.Health.V1.Health.HealthBase
{
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ChannelWriter<ServingStatus>>> _watchers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Sets the status of <paramref name="service"/> ("" for the whole server) and notifies watchers.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (_statuses.TryGetValue(service, out var previous) && previous == status)
            {
                return;
            }

            _statuses[service] = status;
            NotifyLocked(service, status);
        }
    }

    /// <summary>Forgets <paramref name="service"/>: Check answers NOT_FOUND, Watch SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (_statuses.Remove(service))
            {
                NotifyLocked(service, ServingStatus.ServiceUnknown);
            }
        }
    }

    /// <summary>Sets every known service NOT_SERVING (on shutdown, so balancers drain the server first).</summary>
    public void SetAllNotServing()
    {
        lock (_lock)
        {
            foreach (var service in _statuses.Keys.ToList())
            {
                _statuses[service] = ServingStatus.NotServing;
                NotifyLocked(service, ServingStatus.NotServing);
            }
        }
    }

    /// <summary>"If the requested service is unknown, the call will fail with status NOT_FOUND."</summary>
    public override async Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        if (request.Service.Length == 0 && healthChecks is not null)
        {
            var report = await healthChecks.CheckHealthAsync(context.CancellationToken).ConfigureAwait(false);
            SetStatus(string.Empty, ToServingStatus(report.Status));
        }

        lock (_lock)
        {
            if (_statuses.TryGetValue(request.Service, out var status))
            {
                return new HealthCheckResponse { Status = status };
            }
        }

        throw new RpcException(new Status(StatusCode.NotFound, $"Unknown service '{request.Service}'."));
    }

    /// <summary>Sends the current status at once (SERVICE_UNKNOWN if unknown), then every change, until the client cancels.</summary>
    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        var updates = Channel.CreateUnbounded<ServingStatus>(new UnboundedChannelOptions { SingleReader = true });
        ServingStatus current;
        lock (_lock)
        {
            current = _statuses.TryGetValue(request.Service, out var status) ? status : ServingStatus.ServiceUnknown;
            if (!_watchers.TryGetValue(request.Service, out var list))
            {
                _watchers[request.Service] = list = [];
            }

            list.Add(updates.Writer);
        }

        try
        {
            await responseStream.WriteAsync(new HealthCheckResponse { Status = current }).ConfigureAwait(false);
            var last = current;
            await foreach (var status in updates.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                if (status != last)
                {
                    await responseStream.WriteAsync(new HealthCheckResponse { Status = status }).ConfigureAwait(false);
                    last = status;
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client ended the watch: the normal way a Watch ends.
        }
        finally
        {
            lock (_lock)
            {
                _watchers[request.Service].Remove(updates.Writer);
            }
        }
    }

    internal static ServingStatus ToServingStatus(HealthStatus status) =>
        status == HealthStatus.Unhealthy ? ServingStatus.NotServing : ServingStatus.Serving;

    private void NotifyLocked(string service, ServingStatus status)
    {
        if (_watchers.TryGetValue(service, out var list))
        {
            foreach (var writer in list)
            {
                writer.TryWrite(status);
            }
        }
    }
}
