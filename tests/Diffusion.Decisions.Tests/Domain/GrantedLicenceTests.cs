using Diffusion.Rules.Decisions;
using static Diffusion.Decisions.Tests.Domain.Orders;

namespace Diffusion.Decisions.Tests.Domain;

/// <summary>
/// A granted licence in the pure decision (15 CFR 750.7): it covers a line by ECCN (or an ECCN it falls under) and by
/// name, lifts a licence requirement of any review policy, is not used where an exception already covers the line, and
/// leaves a hold in place.
/// </summary>
public sealed class GrantedLicenceTests
{
    private const string Exporter = "Acme Servers Inc.";

    private static GrantedLicence Licence(string[]? eccns = null, string[]? items = null, string destination = "MY", LicenceUnit unit = LicenceUnit.Tpp) =>
        new("D1", Exporter, "acme", destination, eccns ?? ["3A090"], items ?? [], unit, new DateOnly(2025, 1, 15), new DateOnly(2026, 1, 15));

    // LPP used up, so a Tier 2 order needs a licence under aid-2025.
    private static DecisionContext Tier2(GrantedLicence licence, ClassifiedItem item, string destination = "MY") =>
        Order(destination, [item], exporter: Exporter, allocations: new AllocationState(LppExhausted: true)) with { Licences = [licence] };

    [Theory]
    [InlineData("3A090", true)]       // an ECCN it falls under
    [InlineData("3A090.a", true)]
    [InlineData("3a090.A", true)]
    [InlineData("3A090.b", false)]
    [InlineData("3A09", false)]       // a prefix that is not a parent entry
    [InlineData("4A090", false)]
    public void CoversByEccn(string eccn, bool covered)
    {
        var decision = Decide(Tier2(Licence([eccn]), H100(4)));

        Assert.Equal(covered ? Outcome.UnderLicense : Outcome.LicenseRequired, decision.Outcome);
        Assert.Equal(covered, decision.Draws.Any(d => d.BucketId == "licence/D1"));
        Assert.Equal(!covered, decision.Reasons.Any(r => r.Code == "LICENCE.NOT_COVERED"));
    }

    [Fact]
    public void ItemsByName_UnitsLicenceDrawsTheQuantity_NotTheCountryAllocation()
    {
        var decision = Decide(Tier2(Licence(items: ["nvidia h100 sxm"], unit: LicenceUnit.Units), H100(4)));

        Assert.Equal(Outcome.UnderLicense, decision.Outcome);
        var draw = Assert.Single(decision.Draws);
        Assert.Equal(("licence/D1", 4L, DrawMechanism.Licence), (draw.BucketId, draw.Tpp, draw.Mechanism));
        Assert.Equal("D1", Assert.Single(decision.Items).Licence?.Number);
    }

    [Fact]
    public void AnExceptionThatCovers_IsUsedBeforeTheLicence()
    {
        var context = Order("MY", [H100(4)], exporter: Exporter) with { Licences = [Licence()] };

        var decision = Decide(context);

        Assert.Equal(Outcome.LicenseException, decision.Outcome);
        Assert.Equal("LPP", decision.LicenseException);
        Assert.DoesNotContain(decision.Draws, d => d.BucketId == "licence/D1");
    }

    [Fact]
    public void Tier3PresumptionOfDenial_LiftedByALicenceForThatExport()
    {
        var licence = Licence(destination: "CN") with { Eccns = ["3A090.a"] };
        var context = Order("CN", [B200(2)], headquarters: "CN", exporter: Exporter) with { Licences = [licence] };

        var decision = Decide(context);

        Assert.Equal(Outcome.UnderLicense, decision.Outcome);
        Assert.Equal(2 * 36_000L, Assert.Single(decision.Draws).Tpp);
    }

    [Theory]
    [InlineData("2025-01-14", "LICENCE.NOT_YET_VALID")]
    [InlineData("2026-01-15", "LICENCE.EXPIRED")]          // valid until the start of its last day
    [InlineData("2025-01-15", null)]
    [InlineData("2026-01-14", null)]
    public void ValidityDays_FirstDayInclusive_ExpiryDayExclusive(string asOf, string? code)
    {
        var context = Order("MY", [H100(4)], exporter: Exporter, asOf: asOf, allocations: new AllocationState(LppExhausted: true)) with { Licences = [Licence()] };

        var decision = Decide(context);

        Assert.Equal(code is null ? Outcome.UnderLicense : Outcome.LicenseRequired, decision.Outcome);
        if (code is not null)
        {
            Assert.Contains(decision.Reasons, r => r.Code == code);
        }
    }

    [Fact]
    public void Exhausted_NamedAndNotDrawn_TheCountryAllocationIsPlannedInstead()
    {
        var context = Order("MY", [H100(4)], exporter: Exporter, allocations: new AllocationState(LppExhausted: true) { ExhaustedLicences = ["D1"] }) with { Licences = [Licence()] };

        var decision = Decide(context);

        Assert.Equal(Outcome.LicenseRequired, decision.Outcome);
        Assert.Contains(decision.Reasons, r => r.Code == "LICENCE.EXHAUSTED" && r.Message.Contains("licence/D1", StringComparison.Ordinal));
        Assert.Equal(DrawMechanism.CountryAllocation, Assert.Single(decision.Draws).Mechanism);
    }

    [Fact]
    public void AHold_IsNotLiftedByALicence()
    {
        var identity = new ConsigneeIdentity("Acme Cloud", "", false, [new ConsigneeOwner("Listed Parent Co", null, "entity-list")]);
        var context = Order("MY", [H100(4)], "aid-2026", exporter: Exporter, asOf: "2026-12-01", identity: identity, allocations: new AllocationState(LppExhausted: true)) with { Licences = [Licence() with { ValidUntil = new DateOnly(2027, 1, 1) }] };

        var decision = Decide(context);

        Assert.Equal(Outcome.HeldForReview, decision.Outcome);
        Assert.Empty(decision.Draws);
    }
}
