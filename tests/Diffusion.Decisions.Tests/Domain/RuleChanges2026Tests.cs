using Diffusion.Rules;
using Diffusion.Rules.Decisions;
using static Diffusion.Decisions.Tests.Domain.Orders;

namespace Diffusion.Decisions.Tests.Domain;

/// <summary>The UAE rule (91 FR 43034) and the affiliates rule (90 FR 47201, 90 FR 50857), on both sides of each date.</summary>
public sealed class RuleChanges2026Tests
{
    private static ConsigneeIdentity Named(string name, string parent = "", bool government = false, params ConsigneeOwner[] owners) =>
        new(name, parent, government, owners);

    [Theory]
    // G42, an approved entity, from 2026-07-10 until 2027-04-06.
    [InlineData("aid-2026", "2026-07-09", "G42", "", false, "AE", "", Outcome.LicenseException, "LPP")]
    [InlineData("aid-2026", "2026-07-10", "G42", "", false, "AE", "", Outcome.NoLicenseRequired, "")]
    [InlineData("aid-2026", "2027-04-05", "g42  holding", "", false, "AE", "", Outcome.NoLicenseRequired, "")]
    [InlineData("aid-2026", "2027-04-06", "G42", "", false, "AE", "", Outcome.LicenseException, "LPP")]
    [InlineData("acr-2026", "2026-07-09", "G42", "", false, "AE", "", Outcome.LicenseRequired, "")]
    [InlineData("acr-2026", "2026-07-10", "Core42", "", false, "AE", "", Outcome.NoLicenseRequired, "")]
    [InlineData("acr-2026", "2027-04-06", "G42", "", false, "AE", "", Outcome.LicenseRequired, "")]
    // The UAE Government.
    [InlineData("acr-2026", "2026-07-09", "Ministry of Interior", "", true, "AE", "", Outcome.LicenseRequired, "")]
    [InlineData("acr-2026", "2026-07-10", "Ministry of Interior", "", true, "AE", "", Outcome.NoLicenseRequired, "")]
    // An unlisted UAE company still needs a licence (acr-2026, the UAE named in the requirement) or LPP (aid-2026).
    [InlineData("acr-2026", "2026-07-10", "Gulf Compute LLC", "", false, "AE", "", Outcome.LicenseRequired, "")]
    [InlineData("aid-2026", "2026-07-10", "Gulf Compute LLC", "", false, "AE", "", Outcome.LicenseException, "LPP")]
    // A UAE subsidiary of a listed US-headquartered company, by its ultimate parent.
    [InlineData("acr-2026", "2026-07-10", "Microsoft Gulf FZ-LLC", "Microsoft Corporation", false, "AE", "US", Outcome.NoLicenseRequired, "")]
    [InlineData("acr-2026", "2026-07-10", "Microsoft Gulf FZ-LLC", "Microsoft Corporation", false, "AE", "IE", Outcome.LicenseRequired, "")]
    // The D:5/Macau headquarters rule applies first (here an H100 falls in the 2026 China band: case by case).
    [InlineData("acr-2026", "2026-07-10", "G42", "", false, "CN", "", Outcome.LicenseRequired, "")]
    public void Uae_ApprovedConsignees(string ruleSet, string asOf, string name, string parentName, bool government, string headquarters, string parentHq, Outcome outcome, string exception)
    {
        var decision = Decide(Order("AE", [H100(100)], ruleSet, headquarters, parentHq, asOf, identity: Named(name, parentName, government)));

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(exception, decision.LicenseException);
        if (outcome == Outcome.NoLicenseRequired)
        {
            Assert.Contains("91 FR 43034", decision.NoLicenseBasis, StringComparison.Ordinal);
            Assert.Empty(decision.Draws);
            Assert.Contains(decision.Reasons, r => r.Code == "APPROVED_CONSIGNEE");
        }

        if (headquarters == "CN")
        {
            Assert.Contains(decision.Reasons, r => r.Code == "APPROVED_CONSIGNEE.HEADQUARTERS_RULE_FIRST");
            Assert.Empty(decision.NoLicenseBasis);
        }
    }

    [Fact]
    public void Uae_G42AfterItsEligibilityEnds_SaysWhy()
    {
        var decision = Decide(Order("AE", [H100(100)], "acr-2026", "AE", asOf: "2027-04-06", identity: Named("G42")));

        var reason = Assert.Single(decision.Reasons, r => r.Code == "APPROVED_CONSIGNEE.NOT_IN_FORCE");
        Assert.Contains("[2026-07-10, 2027-04-06)", reason.Message, StringComparison.Ordinal);
    }

    private static readonly ConsigneeOwner Listed60 = new("Listed Parent Co", 60, "entity-list");
    private static readonly ConsigneeOwner ListedUnknown = new("Listed Parent Co", null, "entity-list");

    [Theory]
    // In force 2025-09-29 .. 2025-11-09; stayed 2025-11-10 .. 2026-11-09; in force from 2026-11-10 (default setting).
    [InlineData("2025-10-15", Outcome.LicenseRequired)]
    [InlineData("2025-11-10", Outcome.LicenseException)]
    [InlineData("2026-11-09", Outcome.LicenseException)]
    [InlineData("2026-11-10", Outcome.LicenseRequired)]
    public void Affiliates_OfAnEntityListParty_DuringAndAfterTheStay(string asOf, Outcome outcome)
    {
        var ruleSet = asOf.StartsWith("2025", StringComparison.Ordinal) ? "aid-2025" : "aid-2026";

        var decision = Decide(Order("DE", [H100(10)], ruleSet, "DE", asOf: asOf, identity: Named("Affiliate GmbH", owners: Listed60)));

        Assert.Equal(outcome, decision.Outcome);
        Assert.Contains(decision.Reasons, r => r.Code == (outcome == Outcome.LicenseRequired ? "AFFILIATES.OWNED" : "AFFILIATES.NOT_IN_FORCE"));
    }

    [Fact]
    public void Affiliates_AfterTheStay_TheOfficersSettingDecides()
    {
        var stayed = RuleSetLoader.Load(RulesDirectory.Locate(), new RuleOptions { AffiliatesRuleAfterStay = "stayed" }).Get("aid-2026");
        var context = DecisionContextFactory.Create(stayed, new DateOnly(2026, 12, 1), new OrderParties("DE", "US", "acme", "DE", "", Named("Affiliate GmbH", owners: Listed60)), null, [H100(10)]);

        var decision = Decide(context);

        Assert.Equal(Outcome.LicenseException, decision.Outcome);
        Assert.Contains(decision.Reasons, r => r.Code == "AFFILIATES.NOT_IN_FORCE" && r.Citation.Contains("Rules:AffiliatesRuleAfterStay=stayed", StringComparison.Ordinal));
    }

    [Fact]
    public void Affiliates_ListedOwnerOfUnknownShare_HeldForReviewWithTheQuestion_EvenWhereAnExceptionWouldApply()
    {
        var decision = Decide(Order("DE", [H100(10)], "aid-2026", "DE", asOf: "2026-12-01", identity: Named("Affiliate GmbH", owners: ListedUnknown)));

        Assert.Equal(Outcome.HeldForReview, decision.Outcome);
        Assert.Empty(decision.Draws);
        var question = Assert.Single(decision.Questions);
        Assert.Equal("AFFILIATES.UNKNOWN_SHARE", question.Code);
        Assert.Contains("Red Flag 29", question.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Affiliates_ApprovedUaeConsigneeOwnedByListedParties_StillNeedsALicence()
    {
        var decision = Decide(Order("AE", [H100(10)], "acr-2026", "AE", asOf: "2026-12-01", identity: Named("G42", owners: Listed60)));

        Assert.Equal(Outcome.LicenseRequired, decision.Outcome);
        Assert.Empty(decision.NoLicenseBasis);
    }

    [Fact]
    public void Affiliates_ListedOwnersBelowHalf_NoRestrictionPassesOn()
    {
        var decision = Decide(Order("DE", [H100(10)], "aid-2026", "DE", asOf: "2026-12-01", identity: Named("Affiliate GmbH", owners: new ConsigneeOwner("Listed Parent Co", 49.9m, "entity-list"))));

        Assert.Equal(Outcome.LicenseException, decision.Outcome);
        Assert.Contains(decision.Reasons, r => r.Code == "AFFILIATES.BELOW_THRESHOLD");
    }
}
