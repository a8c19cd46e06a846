using Diffusion.EndUsers.Deployments;
using Diffusion.EndUsers.Grpc;
using Diffusion.EndUsers.Licences;
using Diffusion.EndUsers.Screening;
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
        builder.Services.AddSingleton<ScreeningStore>();
        builder.Services.AddSingleton<LicenceStore>();
        builder.Services.AddSingleton<LicenceGrants>();
        builder.Services.AddSingleton<ScreeningCoordinator>();
        builder.Services.AddHostedService<ShippedListLoader>();
        builder.Services.AddGrpc().AddServiceOptions<ScreeningGrpcService>(o => o.MaxReceiveMessageSize = ScreeningGrpcService.MaxListBytes + (1024 * 1024));

        // AddGrpc() above registers grpc-dotnet's own method binder again beside the one AddServiceDefaults put in its
        // place; with both, every method is mapped twice and each call fails in routing (AmbiguousMatchException, HTTP
        // 500). Replacing it once more leaves one binder.
        builder.Services.AddGrpcAnsweringMalformedRequests();
        builder.Services.AddHostedService<CommitSweeper>();
        return builder;
    }

    /// <summary>Maps the VEU registry, restricted-party screening and the licence registry (Program.cs and the tests map the same).</summary>
    public static WebApplication MapEndUserGrpcServices(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<EndUserGrpcService>();
        app.MapGrpcService<ScreeningGrpcService>();
        app.MapGrpcService<LicenceGrpcService>();
        return app;
    }
}
