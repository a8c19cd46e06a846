using Diffusion.Rules;
using Diffusion.Rules.Decisions;
using Diffusion.Rules.Quotas;
using static Diffusion.Decisions.Tests.Domain.Orders;

namespace Diffusion.Decisions.Tests.Domain;

/// <summary>
/// The 2026 China/Macau band's conditions (91 FR 1684): the decision lists the exporter's certifications, and China/Macau
/// shipments of a product are counted against the exporter's US shipments of it (at most 50 %) in its China share bucket.
/// </summary>
public sealed class ChinaShareTests
{
    private const string Exporter = "Acme Servers Inc.";
    private const string Bucket = "china-share/acme-servers-inc./nvidia-h200-sxm";

    private static Decision DecideH200(uint quantity, string exporter = Exporter, AllocationState? allocations = null, string ruleSet = "aid-2026") =>
        Decide(Order("CN", [H200(quantity)], ruleSet, headquarters: "CN", asOf: "2026-03-01", exporter: exporter, allocations: allocations));

    [Theory]
    [InlineData("aid-2026")]
    [InlineData("acr-2026")]
    public void InTheBand_WithAnExporter_DrawsItsChinaShareBucket_TwiceTheTpp(string ruleSet)
    {
        var decision = DecideH200(10, ruleSet: ruleSet);

        Assert.Equal(Outcome.LicenseRequired, decision.Outcome);
        Assert.Equal("case-by-case, with conditions", decision.ReviewPolicy);
        var draw = Assert.Single(decision.Draws);
        Assert.Equal((Bucket, 2 * 10 * 15_832L, DrawMechanism.ChinaShare), (draw.BucketId, draw.Tpp, draw.Mechanism));
        Assert.Contains(decision.Reasons, r => r.Code == "CASE_BY_CASE.SHARE" && r.Message.Contains(Bucket, StringComparison.Ordinal) && r.Confidence == Confidence.Secondary);
    }

    [Fact]
    public void InTheBand_TheDecisionListsTheCertificationsFromTheRuleData()
    {
        var band = RuleSet("aid-2026").Get<DecisionRules>().CaseByCase!;

        var decision = DecideH200(10);

        var certifications = decision.Reasons.Where(r => r.Code == "CASE_BY_CASE.CERTIFICATION").ToList();
        Assert.Equal(band.Certifications.Count, certifications.Count);
        Assert.True(certifications.Count >= 6);
        Assert.All(certifications, r => Assert.Equal(Confidence.Secondary, r.Confidence));
        Assert.All(band.Certifications, c => Assert.Contains(certifications, r => r.Message.EndsWith(c.Value, StringComparison.Ordinal) && r.Citation == c.Citation));
        Assert.Contains(certifications, r => r.Message.Contains("50 %", StringComparison.Ordinal));
    }

    [Fact]
    public void ShareUsedUp_TheCertificationCannotBeMade_PresumptionOfDenialAndNoDraw()
    {
        var decision = DecideH200(10, allocations: new AllocationState(ChinaShareExhausted: true));

        Assert.Equal(Outcome.PresumptionOfDenial, decision.Outcome);
        Assert.Empty(decision.Draws);
        Assert.Contains(decision.Reasons, r => r.Code == "CASE_BY_CASE.SHARE_EXCEEDED" && r.Message.Contains(Bucket, StringComparison.Ordinal));
    }

    [Fact]
    public void UsShipmentsNotRecorded_NotCounted_CaseByCaseWithoutDraw()
    {
        var decision = DecideH200(10, allocations: new AllocationState(ChinaShareUnrecorded: true));

        Assert.Equal(Outcome.LicenseRequired, decision.Outcome);
        Assert.Empty(decision.Draws);
        Assert.Contains(decision.Reasons, r => r.Code == "CASE_BY_CASE.SHARE_NOT_RECORDED");
    }

    [Fact]
    public void NoExporter_NotCounted_CaseByCaseWithoutDraw()
    {
        var decision = DecideH200(10, exporter: "");

        Assert.Equal(Outcome.LicenseRequired, decision.Outcome);
        Assert.Empty(decision.Draws);
        Assert.Contains(decision.Reasons, r => r.Code == "CASE_BY_CASE.SHARE_NOT_COUNTED");
    }

    [Fact]
    public void OutsideTheBand_NoShareDrawnAndNoCertifications()
    {
        var decision = Decide(Order("CN", [B200(10)], "aid-2026", headquarters: "CN", asOf: "2026-03-01", exporter: Exporter));

        Assert.Equal(Outcome.PresumptionOfDenial, decision.Outcome);
        Assert.Empty(decision.Draws);
        Assert.DoesNotContain(decision.Reasons, r => r.Code.StartsWith("CASE_BY_CASE.CERTIFICATION", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("NVIDIA H200 SXM", "nvidia-h200-sxm")]
    [InlineData("  .Acme, Inc. ", "acme-inc.")]
    [InlineData("Über GPU 2", "ber-gpu-2")]
    public void Key_IsABucketIdSegment(string name, string key)
    {
        Assert.Equal(key, BucketId.Key(name));
        Assert.Equal(BucketKind.ChinaShare, BucketId.Parse(BucketId.ForChinaShare("x", name)!).Kind);
    }

    [Fact]
    public void ChinaShareBucket_ParsesAndIsNeverDefinedByTheRules()
    {
        var bucket = BucketId.Parse(Bucket);
        var quotas = RuleSet("aid-2026").Get<QuotaRules>();

        Assert.Equal(("acme-servers-inc.", "nvidia-h200-sxm"), (bucket.Entity, bucket.Product));
        Assert.Null(quotas.Allocation(bucket, new DateOnly(2026, 3, 1), _ => Rules.Tiers.Tier.Tier3));
        Assert.Null(BucketId.ForChinaShare("!!!", "NVIDIA H200 SXM"));
    }

    [Theory]
    [InlineData("\"value\": 50,", "\"value\": 0,", "$.case_by_case.share_of_us_shipments_percent.value")]
    [InlineData("\"value\": 50,", "\"value\": 150,", "$.case_by_case.share_of_us_shipments_percent.value")]
    public void Load_BadShare_NamesTheField(string find, string replace, string field)
    {
        using var scratch = new Diffusion.Testing.Rules.ScratchRules();
        scratch.Replace(Path.Combine("aid-2026", "decisions.json"), find, replace);

        var e = scratch.LoadFails();

        Assert.Contains("rules/aid-2026/decisions.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }
}
