using Diffusion.Rules.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diffusion.Rules.Tests.Loading;

public sealed class HostingTests
{
    [Fact]
    public async Task AddDiffusionRules_GoodRules_RegistryAvailableAndOptionsBound()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rules:Directory"] = TestRules.Directory,
            ["Rules:EnforceAiDiffusion2025"] = "false",
        });
        builder.Services.AddDiffusionRules(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync(CancellationToken.None);
        var registry = host.Services.GetRequiredService<RuleSetRegistry>();
        await host.StopAsync(CancellationToken.None);

        Assert.Equal("acr-2026", registry.Resolve(null, new DateOnly(2026, 6, 1)).Id);
    }

    [Fact]
    public async Task AddDiffusionRules_BadRuleFile_HostFailsAtStartNamingTheFile()
    {
        using var rules = new ScratchRules();
        rules.Edit("acr-2023/classification.json", j => j["h100_tpp"]!["confidence"] = "maybe");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Rules:Directory"] = rules.Root });
        builder.Services.AddDiffusionRules(builder.Configuration);
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<RuleLoadException>(() => host.StartAsync(CancellationToken.None));

        Assert.Contains("rules/acr-2023/classification.json: $.h100_tpp.confidence: unknown confidence tag 'maybe'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAtStart_DataThatDoesNotLoad_HostFailsAtStart_AndRegistersOncePerType()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Rules:Directory"] = TestRules.Directory });
        builder.Services.AddDiffusionRules(builder.Configuration);
        builder.Services.AddDiffusionRules(builder.Configuration);
        builder.Services.AddSingleton<BrokenData>(_ => throw new RuleLoadException([new RuleProblem("rules/broken.json", "$", "does not load")]));
        builder.Services.ResolveAtStart<BrokenData>();
        builder.Services.ResolveAtStart<BrokenData>();

        Assert.Equal(2, builder.Services.Count(d => d.ServiceType == typeof(IHostedService)));
        using var host = builder.Build();
        var e = await Assert.ThrowsAsync<RuleLoadException>(() => host.StartAsync(CancellationToken.None));
        Assert.Contains("rules/broken.json", e.Message, StringComparison.Ordinal);
    }

    private sealed class BrokenData;
}
