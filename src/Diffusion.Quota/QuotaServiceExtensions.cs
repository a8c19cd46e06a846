using Diffusion.Quota;
using Diffusion.Quota.Reservations;
using Diffusion.Quota.Storage;
using Diffusion.Rules.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>All DI wiring of the quota service, shared by Program.cs and the tests.</summary>
public static class QuotaServiceExtensions
{
    /// <summary>
    /// Registers the quota service: options (section <c>Quota</c>, validated at start), the rules, Redis
    /// (<c>ConnectionStrings:redis</c>) and the PostgreSQL ledger (<c>ConnectionStrings:ledger</c>), the ledger writer,
    /// recovery, the sweeper and the gRPC adapter. At start the ledger is migrated and Redis made ready.
    /// </summary>
    public static IHostApplicationBuilder AddQuotaServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<QuotaOptions>()
            .Bind(builder.Configuration.GetSection(QuotaOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.DefaultTtlSeconds <= o.MaxTtlSeconds, "Quota:DefaultTtlSeconds must not exceed Quota:MaxTtlSeconds")
            .ValidateOnStart();
        builder.Services.AddDiffusionRules(builder.Configuration);
        builder.AddRedisClient("redis");
        builder.AddNpgsqlDataSource("ledger");
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<QuotaOptions>>().Value.RedisKeyPrefix));
        builder.Services.AddSingleton<RedisQuotaStore>();
        builder.Services.AddSingleton<Ledger>();
        builder.Services.AddSingleton<LedgerWriter>();
        builder.Services.AddSingleton<RecoveryCoordinator>();
        builder.Services.AddSingleton<QuotaCatalog>();
        builder.Services.AddSingleton<QuotaEngine>();
        builder.Services.AddSingleton<ExpirySweeper>();
        builder.Services.AddGrpcAnsweringMalformedRequests();
        builder.Services.AddSingleton(sp => new Diffusion.Quota.Grpc.QuotaGrpcService(
            sp.GetRequiredService<QuotaEngine>(), sp.GetRequiredService<IOptions<QuotaOptions>>()));
        
        // Order matters: the ledger writer runs before startup migrates and rebuilds; the sweeper after.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LedgerWriter>());
        builder.Services.AddHostedService<QuotaStartup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ExpirySweeper>());
        return builder;
    }
}
