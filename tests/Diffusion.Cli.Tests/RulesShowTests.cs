using Diffusion.Testing.Grpc;
using Diffusion.Testing.Hosts;

namespace Diffusion.Cli.Tests;

/// <summary>
/// <c>diffusion rules show</c> against the real Decisions service over gRPC (DescribeRules reads only the rule data,
/// so no downstream service and no audit ledger is needed; their addresses point nowhere).
/// </summary>
public sealed class RulesShowTests : IAsyncLifetime
{
    private GrpcTestServer decisions = null!;

    public async Task InitializeAsync() =>
        decisions = await DecisionsHost.StartAsync(
            DecisionsHost.Downstream.ToDictionary(s => s, _ => new Uri("http://127.0.0.1:9")), DecisionsHost.NoLedger());

    public async Task DisposeAsync() => await decisions.DisposeAsync();

    private Task<CliRun> Show(params string[] args) => CliRun.RunAsync(["rules", "show", .. args, "--endpoint", decisions.Address.ToString()]);

    [Fact]
    public async Task RulesShow_PrintsGroupsAndStatusesOfTheDayWithCitationsAndConfidence()
    {
        var before = await Show("aid-2026", "--as-of", "2026-02-02");
        var after = await Show("aid-2026", "--as-of", "2026-02-03");

        Assert.Equal(0, before.ExitCode);
        Assert.Contains("86 FR 70015", before.Output, StringComparison.Ordinal);
        Assert.Contains("KH", before.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("86 FR 70015", after.Output, StringComparison.Ordinal);
        Assert.Contains("aid-2026: AI Diffusion framework", after.Output, StringComparison.Ordinal);
        Assert.Contains("not-enforced since 2025-05-13", after.Output, StringComparison.Ordinal);
        Assert.Contains("as-written", after.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RulesShow_PrintsTheFoundryPresumptionOfTheDay()
    {
        var beforeExtension = await Show("--as-of", "2026-04-06");
        var today = await Show("--as-of", "2026-12-03");
        var in2027 = await Show("--as-of", "2027-06-01");

        Assert.Equal(0, today.ExitCode);
        Assert.Contains("counts up to 2026-04-13", beforeExtension.Output, StringComparison.Ordinal);
        Assert.Contains("counts up to 2026-12-31", today.Output, StringComparison.Ordinal);
        Assert.Contains("91 FR 17851", today.Output, StringComparison.Ordinal);
        Assert.Contains("without HBM is presumed 3A090.a from 30 billion", today.Output, StringComparison.Ordinal);
        Assert.Contains("without HBM is presumed 3A090.a from 35 billion", in2027.Output, StringComparison.Ordinal);
        Assert.Contains("with HBM is presumed 3A090.a from 30 billion", in2027.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RulesShow_Json_IsTheServicesAnswer()
    {
        var run = await Show("--as-of", "2026-07-10", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"rule_set\": \"aid-2026\"", run.Output, StringComparison.Ordinal);
        Assert.Contains("\"confidence\": \"R-abs\"", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-13-01", 2, "is not a day")]
    public async Task RulesShow_BadDay_ExitsTwo(string day, int code, string message)
    {
        var run = await Show("aid-2026", "--as-of", day);

        Assert.Equal(code, run.ExitCode);
        Assert.Contains(message, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RulesShow_UnknownSet_ExitsOneWithTheServicesInvalidArgument()
    {
        var run = await Show("aid-2099", "--as-of", "2026-02-03");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("InvalidArgument: rule_set: unknown rule set 'aid-2099'", run.Error, StringComparison.Ordinal);
    }
}
