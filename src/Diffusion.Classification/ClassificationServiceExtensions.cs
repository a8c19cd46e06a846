using Diffusion.Rules;
using Diffusion.Rules.Classification;
using Diffusion.Rules.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Diffusion.Classification;

/// <summary>All DI wiring of the classification service; Program.cs and the tests call the same method.</summary>
public static class ClassificationServiceExtensions
{
    /// <summary>
    /// Registers the rules and the chip catalogue (both loaded and validated when the host starts: a bad rule file
    /// stops the service at boot with the file, field and problem), the clock and the gRPC server.
    /// The service needs no database or cache.
    /// </summary>
    public static IHostApplicationBuilder AddClassificationServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDiffusionRules(builder.Configuration);
        builder.Services.AddSingleton(sp =>
            ChipCatalog.Load(RulesDirectory.Locate(sp.GetRequiredService<IOptions<RuleOptions>>().Value.Directory)));
        builder.Services.ResolveAtStart<ChipCatalog>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddGrpcAnsweringMalformedRequests();
        return builder;
    }
}
