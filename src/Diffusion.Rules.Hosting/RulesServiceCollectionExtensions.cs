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
        return services.ResolveAtStart<RuleSetRegistry>();
    }

    /// <summary>
    /// Resolves the singleton <typeparamref name="T"/> (rule data loaded on first use, such as the rule sets or the
    /// chip catalogue) when the host starts, so data that does not load fails the start, not the first request.
    /// Idempotent per type.
    /// </summary>
    public static IServiceCollection ResolveAtStart<T>(this IServiceCollection services)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHostedService<StartupResolution<T>>();
        return services;
    }

    private sealed class StartupResolution<T>(IServiceProvider services) : IHostedService
        where T : class
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<T>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
