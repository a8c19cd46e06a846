using Diffusion.ServiceDefaults.Clients;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Aspire-style Redis client integration (StackExchange.Redis 1.2.6, async API only).</summary>
public static class RedisClientExtensions
{
    /// <summary>
    /// Registers a shared <see cref="IConnectionMultiplexer"/> for <c>ConnectionStrings:{connectionName}</c>, connected
    /// with <c>ConnectAsync</c> before the server starts (and reconnecting by itself afterwards), plus a readiness health
    /// check named <paramref name="connectionName"/> that PINGs the server.
    /// </summary>
    /// <remarks>
    /// StackExchange.Redis 1.2.6 has no ActivitySource; Redis calls appear in traces through the caller's own
    /// "Diffusion.*" activities.
    /// </remarks>
    public static IHostApplicationBuilder AddRedisClient(this IHostApplicationBuilder builder, string connectionName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = ConnectionStrings.Require(builder.Configuration, connectionName);
        var options = ConfigurationOptions.Parse(connectionString);
        // Keep retrying in the background instead of failing the process when Redis is briefly away (as Aspire does).
        options.AbortOnConnectFail = false;

        builder.Services.AddSingleton(new RedisConnection(options));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp => sp.GetRequiredService<RedisConnection>().Multiplexer);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            sp => new RedisHealthCheck(sp.GetRequiredService<RedisConnection>()),
            HealthStatus.Unhealthy,
            ["ready", "redis"],
            TimeSpan.FromSeconds(5)));
        return builder;
    }
}

/// <summary>Owns the multiplexer: connects asynchronously when the host starts, closes it when the host stops.</summary>
internal sealed class RedisConnection(ConfigurationOptions options) : IHostedService, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ConnectionMultiplexer? _multiplexer;

    /// <summary>
    /// The connected multiplexer. Normally connected by <see cref="StartAsync"/>; a hosted service that needs it
    /// earlier gets a one-off blocking connect (once per process, never on a request path).
    /// </summary>
    public IConnectionMultiplexer Multiplexer =>
        _multiplexer ?? ConnectAsync(CancellationToken.None).GetAwaiter().GetResult();

    public async Task StartAsync(CancellationToken cancellationToken) => await ConnectAsync(cancellationToken).ConfigureAwait(false);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.CloseAsync().ConfigureAwait(false);
            multiplexer.Dispose();
        }
        _gate.Dispose();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _multiplexer ??= await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Ready when Redis answers PING.</summary>
internal sealed class RedisHealthCheck(RedisConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var multiplexer = connection.Multiplexer;
            if (!multiplexer.IsConnected)
            {
                return HealthCheckResult.Unhealthy("not connected to Redis");
            }
            var latency = await multiplexer.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("Redis PING failed", ex);
        }
    }
}
