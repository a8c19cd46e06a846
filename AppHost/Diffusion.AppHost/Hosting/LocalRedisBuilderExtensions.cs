using Diffusion.AppHost.Hosting;

namespace Aspire.Hosting;

/// <summary>Redis as a local process, for machines without a container engine.</summary>
public static class LocalRedisBuilderExtensions
{
    /// <summary>Where Debian's redis-server package puts the server.</summary>
    public const string DefaultServerPath = "/usr/bin/redis-server";

    /// <summary>
    /// Adds redis-server (<c>AppHost:RedisServerPath</c>, default <see cref="DefaultServerPath"/>; installed with apt-get
    /// when missing and running as root) on 127.0.0.1, health-checked with PING. No persistence (no RDB snapshot, no
    /// append-only file): Redis is Quota's concurrency gate and PostgreSQL its record. Quota rebuilds an empty Redis from
    /// the ledger; a Redis restored from an older snapshot would look alive but count less than the ledger, and could
    /// then grant beyond a cap. So a restarted Redis must come back empty. Clients must present the password
    /// <c>.diffusion/secrets/redis</c> (made on first run); redis-server reads it from a config file of mode 0600 in
    /// <paramref name="secrets"/>' folder, so it is not on any command line.
    /// </summary>
    internal static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, [ResourceName] string name, LocalSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(secrets);
        var serverPath = builder.Configuration["AppHost:RedisServerPath"] ?? DefaultServerPath;
        var password = secrets.Parameter(builder, name);
        var config = secrets.WriteFile($"{name}.conf", $"requirepass {secrets.Get(name)}\n");
        var redis = new LocalRedisResource(name, serverPath, builder.AppHostDirectory, password.Resource);

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, cancellationToken) => MachinePackages.EnsureAsync(
            serverPath, "redis-server", MachinePackages.IsRoot, @event.Services.GetRequiredService<ILogger<LocalRedisResource>>(), cancellationToken));

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, cancellationToken) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false));
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException($"{name} has no connection string yet"), healthCheckKey);

        return builder.AddResource(redis)
            .WithEndpoint(name: LocalRedisResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add(config);
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .WithArgs("--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
            .WithIconName("Memory")
            .WithHealthCheck(healthCheckKey);
    }
}
