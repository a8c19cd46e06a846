using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Diffusion.Rules.Hosting;

/// <summary>DI registration of the rules.</summary>
public static class RulesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RuleOptions"/> (section <c>Rules</c>) and the <see cref="RuleSetRegistry"/> singleton,
    /// loaded from the rules directory (<see cref="RulesDirectory.Locate"/>) when the host starts: a bad rule file
    /// stops the service at boot with a <see cref="RuleLoadException"/> naming the file, the field and the problem.
    /// Idempotent: several service extensions of one host may each call it.
    /// </summary>
    public static IServiceCollection AddDiffusionRules(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RuleOptions>().Bind(configuration.GetSection(RuleOptions.SectionName));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RuleOptions>>().Value;
            return RuleSetLoader.Load(RulesDirectory.Locate(options.Directory), options);
        });
        services.AddHostedService<RulesStartupValidation>();
        return services;
    }

    // Resolving the registry at start makes a bad rule file fail the host's start, not the first request.
    private sealed class RulesStartupValidation(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<RuleSetRegistry>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
