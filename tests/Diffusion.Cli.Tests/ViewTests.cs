using Diffusion.Cli.Rendering;
using Diffusion.Common.V1;
using Diffusion.Decisions.V1;
using Diffusion.Quota.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Diffusion.Cli.Tests;

public sealed class ViewTests
{
    private static string Render(IRenderable renderable)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 220;
        console.Write(renderable);
        return writer.ToString();
    }

    private static DecideResponse Licensed()
    {
        var response = new DecideResponse
        {
            OrderId = "o-1",
            RuleSet = "aid-2026",
            Outcome = DecisionOutcome.LicenseRequired,
            ReviewPolicy = "presumption of approval within the country allocation",
            ReservationId = "order/o-1/2",
            TotalTpp = 31_664_000,
            H100Equivalents = 2000,
            AllocationAvailable = true,
        };
        response.Draws.Add(new Draw { BucketId = "country/IN/2025-2027", Tpp = 31_664_000 });
        response.Items.Add(new ItemDecision { Index = 0, Description = "8-GPU HGX H100 server", Eccn = "4A090.a", Quantity = 250, TppEach = 126_656, Outcome = DecisionOutcome.LicenseRequired });
        response.Reasons.Add(new Reason { Code = "LPP.ANNUAL_CAP", Message = "exceeds what remains", Citation = "15 CFR 740.29", Confidence = "S" });
        return response;
    }

    [Fact]
    public void Decision_ShowsHeadlineDrawsReasonsAndReservation()
    {
        var text = Render(Views.Decision(Licensed()));

        Assert.Contains("licence required (presumption of approval within the country allocation)", text, StringComparison.Ordinal);
        Assert.Contains("country/IN/2025-2027", text, StringComparison.Ordinal);
        Assert.Contains("31,664,000", text, StringComparison.Ordinal);
        Assert.Contains("order/o-1/2", text, StringComparison.Ordinal);
        Assert.Contains("LPP.ANNUAL_CAP", text, StringComparison.Ordinal);
        Assert.Contains("15 CFR 740.29", text, StringComparison.Ordinal);
        Assert.Contains("4A090.a", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatIf_OneColumnPerRuleSet()
    {
        var whatIf = new WhatIfResponse();
        whatIf.Decisions.Add(new DecideResponse { RuleSet = "aid-2025", Outcome = DecisionOutcome.PresumptionOfDenial, AllocationAvailable = true });
        whatIf.Decisions.Add(new DecideResponse { RuleSet = "aid-2026", Outcome = DecisionOutcome.LicenseRequired, ReviewPolicy = "case-by-case, with conditions", AllocationAvailable = true });

        var text = Render(Views.WhatIf(whatIf));

        Assert.Contains("aid-2025", text, StringComparison.Ordinal);
        Assert.Contains("aid-2026", text, StringComparison.Ordinal);
        Assert.Contains("presumption of denial", text, StringComparison.Ordinal);
        Assert.Contains("case-by-case, with conditions", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.5, 10)]
    [InlineData(1.0, 20)]
    [InlineData(1.7, 20)]
    public void Bar_FillsInProportion(double fraction, int filled)
    {
        var bar = Views.Bar(fraction, 20);

        Assert.Equal(filled, bar.Count(c => c == '█'));
        Assert.Equal(20 - filled, bar.Count(c => c == '░'));
    }

    [Fact]
    public void Balances_ShowsUsedShare()
    {
        var text = Render(Views.Balances([new Balance { BucketId = "country/AE/2025-2027", Cap = 1000, Committed = 250, Pending = 250, Available = 500 }], "allocations"));

        Assert.Contains("country/AE/2025-2027", text, StringComparison.Ordinal);
        Assert.Contains("50.0%", text, StringComparison.Ordinal);
    }
}
