using Diffusion.Rules.Classification.Foundry;

namespace Diffusion.Rules.Tests.Classification;

/// <summary>
/// rules/foundry-presumption.json as the loader reads it: the dated rows picked by day, and a broken file refused
/// naming the file and field (Note 1 to 3A090.a, 90 FR 5298; the authorized-designer date of 91 FR 17851).
/// </summary>
public sealed class FoundryPresumptionDataTests
{
    private static FoundryPresumptionData Shipped() =>
        RuleSetLoader.Load(RulesDirectory.Locate()).Get("aid-2026").Shared.FoundryPresumption
        ?? throw new InvalidOperationException("the repository's rules have no foundry-presumption.json");

    [Theory]
    [InlineData("2026-04-06", "2026-04-13")]
    [InlineData("2026-04-07", "2026-12-31")]
    [InlineData("2027-06-01", "2026-12-31")]
    public void AuthorizedDesignerUntil_IsTheRowInEffectOnTheDay(string day, string until)
    {
        var row = Shipped().AuthorizedDesignerUntilOn(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateOnly.Parse(until, System.Globalization.CultureInfo.InvariantCulture), row?.Value);
    }

    [Theory]
    [InlineData("2025-01-15", false, null)]
    [InlineData("2026-12-31", false, 30)]
    [InlineData("2027-01-01", false, 35)]
    [InlineData("2027-01-01", true, 30)]
    [InlineData("2029-01-01", false, 40)]
    [InlineData("2030-01-01", true, 30)]
    public void Threshold_ByDayAndHbm(string day, bool hbm, int? billions)
    {
        var threshold = Shipped().ThresholdOn(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), hbm);

        Assert.Equal(billions, threshold is null ? null : (int)threshold.BelowBillions);
    }

    [Fact]
    public void Load_NonPositiveThreshold_NamesFileAndField()
    {
        using var rules = new ScratchRules();
        rules.Edit(FoundryPresumptionData.FileName, j => j["transistor_thresholds"]![1]!["below_billions"] = 0);

        var e = rules.LoadFails();

        Assert.Equal("rules/foundry-presumption.json", e.File);
        Assert.Equal("$.transistor_thresholds[1].below_billions", e.Field);
    }

    [Fact]
    public void Load_AuthorizedDatesOutOfOrder_NamesFileAndField()
    {
        using var rules = new ScratchRules();
        rules.Edit(FoundryPresumptionData.FileName, j => j["authorized_designer_until"]![1]!["from"] = "2024-01-01");

        var e = rules.LoadFails();

        Assert.Equal("$.authorized_designer_until[1].from", e.Field);
    }

    [Fact]
    public void Load_FileAbsent_NoPresumption()
    {
        using var rules = new ScratchRules();
        File.Delete(Path.Combine(rules.Root, FoundryPresumptionData.FileName));

        Assert.Null(RuleSetLoader.Load(rules.Root).Get("aid-2026").Shared.FoundryPresumption);
    }
}
