using Diffusion.EndUsers.Deployments;
using Diffusion.EndUsers.Quota;
using Diffusion.EndUsers.Rules;
using Diffusion.EndUsers.Storage;
using Diffusion.Quota.V1;
using Diffusion.Rules.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Diffusion.EndUsers;

/// <summary>All of the EndUsers service's DI wiring (the tests call the same extension).</summary>
public static class EndUsersServiceExtensions
{
    /// <summary>
    /// Registers the rules, the PostgreSQL ledger (<c>ConnectionStrings:ledger</c>; the <c>endusers</c> schema is
    /// migrated at start), the Quota client (<c>services:quota:grpc:0</c>), the coordinator and the commit sweeper.
    /// </summary>
    public static IHostApplicationBuilder AddEndUserServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<EndUsersOptions>()
            .Bind(builder.Configuration.GetSection(EndUsersOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddDiffusionRules(builder.Configuration);
        builder.AddNpgsqlDataSource("ledger");
        builder.AddGrpcServiceClient<QuotaService.QuotaServiceClient>("quota");
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IEndUserRuleSets, RegistryEndUserRuleSets>();
        builder.Services.AddSingleton<EndUserStore>();
        builder.Services.AddSingleton<NveuQuota>();
        builder.Services.AddSingleton<DeploymentCoordinator>();
        builder.Services.AddHostedService<MigrationHostedService>();
        builder.Services.AddHostedService<CommitSweeper>();
        return builder;
    }
}
