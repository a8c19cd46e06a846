using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Grpc.HealthCheck;

/// <summary>Feeds each periodic ASP.NET Core health report into the gRPC status of the whole server ("").</summary>
internal sealed class GrpcHealthChecksPublisher(HealthServiceImpl health) : IHealthCheckPublisher
{
    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        health.SetStatus(string.Empty, HealthServiceImpl.ToServingStatus(report.Status));
        return Task.CompletedTask;
    }
}
