using Diffusion.ServiceDefaults.Clients;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

/// <summary>Aspire-style PostgreSQL client integration (Npgsql).</summary>
public static class NpgsqlClientExtensions
{
    /// <summary>
    /// Registers a shared <see cref="NpgsqlDataSource"/> (and <see cref="System.Data.Common.DbDataSource"/>) for
    /// <c>ConnectionStrings:{connectionName}</c>, logging through the app's logger factory, and a readiness health check
    /// named <paramref name="connectionName"/> that runs <c>SELECT 1</c>. Npgsql traces through its "Npgsql"
    /// ActivitySource, which the service defaults record.
    /// </summary>
    public static IHostApplicationBuilder AddNpgsqlDataSource(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<NpgsqlDataSourceBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = ConnectionStrings.Require(builder.Configuration, connectionName);

        builder.Services.AddSingleton(sp =>
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
            dataSourceBuilder.UseLoggerFactory(sp.GetService<ILoggerFactory>());
            configure?.Invoke(dataSourceBuilder);
            return dataSourceBuilder.Build();
        });
        builder.Services.AddSingleton<System.Data.Common.DbDataSource>(sp => sp.GetRequiredService<NpgsqlDataSource>());
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            sp => new NpgsqlHealthCheck(sp.GetRequiredService<NpgsqlDataSource>()),
            HealthStatus.Unhealthy,
            ["ready", "postgres"],
            TimeSpan.FromSeconds(5)));
        return builder;
    }
}

/// <summary>Ready when PostgreSQL answers <c>SELECT 1</c>.</summary>
internal sealed class NpgsqlHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL SELECT 1 failed", ex);
        }
    }
}
