using Diffusion.Classification.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.Classification.Tests.Service;

/// <summary>
/// Note 1 to ECCN 3A090.a as a front-end fabricator or OSAT meets it (rules/foundry-presumption.json): an advanced
/// logic IC is presumed 3A090.a whatever its figures say, unless an approved designer, or up to 2026-12-31 (91 FR 17851;
/// 2026-04-13 before that rule) an authorized one, certified it, or its transistor count is below the threshold of the
/// year of export (30 billion; 35 billion from 2027 and 40 billion from 2029 without HBM). Each date is tested on both sides.
/// </summary>
[Collection(ClassificationServiceCollection.Name)]
public sealed class FoundryPresumptionTests(ClassificationServiceFixture service)
{
    private static Timestamp Day(int year, int month, int day) =>
        Timestamp.FromDateTimeOffset(new DateTimeOffset(year, month, day, 12, 0, 0, TimeSpan.Zero));

    // A small accelerator: TPP 800, far below every 3A090 band, so only the presumption can make it 3A090.a.
    private static ChipSpec SmallChip()
    {
        var chip = new ChipSpec { Name = "edge accelerator", ApplicableDieAreaMm2 = 400 };
        chip.Rates.Add(new ComputeRate { BitLength = 8, DenseTops = 100, Unit = "tensor", Format = "INT8" });
        return chip;
    }

    private Task<ClassifyResponse> Classify(Timestamp day, double? billions, IcDesignerStatus designer = IcDesignerStatus.None,
        bool hbm = false, bool advanced = true)
    {
        var foundry = new FoundryFacts { AdvancedNode = advanced, ContainsHbm = hbm, Designer = designer };
        if (billions is { } b)
        {
            foundry.TransistorCountBillions = b;
        }

        return service.Client.ClassifyAsync(new ClassifyRequest { Chip = SmallChip(), AsOf = day, Foundry = foundry }).ResponseAsync;
    }

    [Fact]
    public async Task WithoutFoundryFacts_TheFiguresDecide()
    {
        var response = await service.Client.ClassifyAsync(new ClassifyRequest { Chip = SmallChip(), AsOf = Day(2026, 6, 1) });

        Assert.Equal("", response.Eccn);
        Assert.DoesNotContain(response.Reasons, r => r.Code.StartsWith("FOUNDRY.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AdvancedNode_ManyTransistors_NoDesigner_IsPresumed3A090a()
    {
        var response = await Classify(Day(2026, 6, 1), billions: 80);

        Assert.Equal("3A090.a", response.Eccn);
        Assert.Equal("3A090.a.note-1", response.Paragraph);
        Assert.Equal(800, response.Tpp);
        var presumed = Assert.Single(response.Reasons, r => r.Code == "FOUNDRY.PRESUMED_3A090A");
        Assert.Contains("80 billion transistors >= 30 billion", presumed.Message, StringComparison.Ordinal);
        Assert.Contains("90 FR 5298", presumed.Citation, StringComparison.Ordinal);
        Assert.Equal("R", presumed.Confidence);
    }

    [Fact]
    public async Task UnknownTransistorCount_IsPresumed()
    {
        var response = await Classify(Day(2026, 6, 1), billions: null);

        Assert.Equal("3A090.a", response.Eccn);
        Assert.Contains(response.Reasons, r => r.Code == "FOUNDRY.PRESUMED_3A090A" && r.Message.Contains("not known", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NotAnAdvancedNode_PresumptionDoesNotApply()
    {
        var response = await Classify(Day(2026, 6, 1), billions: 80, advanced: false);

        Assert.Equal("", response.Eccn);
        Assert.Contains(response.Reasons, r => r.Code == "FOUNDRY.NOT_APPLICABLE");
    }

    [Fact]
    public async Task BeforeTheRule_2025_01_15_NoPresumption_From2025_01_16_Presumed()
    {
        var before = await Classify(Day(2025, 1, 15), billions: 80);
        var after = await Classify(Day(2025, 1, 16), billions: 80);

        Assert.Equal("", before.Eccn);
        Assert.Contains(before.Reasons, r => r.Code == "FOUNDRY.NOT_IN_FORCE");
        Assert.Equal("3A090.a", after.Eccn);
    }

    [Fact]
    public async Task ApprovedDesigner_RebutsThePresumption()
    {
        var response = await Classify(Day(2027, 6, 1), billions: 80, IcDesignerStatus.Approved);

        Assert.Equal("", response.Eccn);
        Assert.Contains(response.Reasons, r => r.Code == "FOUNDRY.APPROVED_DESIGNER" && r.Citation.Contains("740 Supp. 6", StringComparison.Ordinal));
    }

    [Theory]
    // Under the January 2025 text an authorized designer counted up to 2026-04-13 [S]; 91 FR 17851 (effective
    // 2026-04-07) moved that to 2026-12-31 [R-abs], so 2026-04-14 is still covered, and 2027-01-01 is not.
    [InlineData(2026, 4, 6, true, "2026-04-13", "S")]
    [InlineData(2026, 4, 14, true, "2026-12-31", "R-abs")]
    [InlineData(2026, 12, 31, true, "2026-12-31", "R-abs")]
    [InlineData(2027, 1, 1, false, "2026-12-31", "R-abs")]
    public async Task AuthorizedDesigner_CountsUpToTheDateInEffect(int year, int month, int day, bool rebutted, string until, string confidence)
    {
        var response = await Classify(Day(year, month, day), billions: 80, IcDesignerStatus.Authorized);

        var code = rebutted ? "FOUNDRY.AUTHORIZED_DESIGNER" : "FOUNDRY.AUTHORIZED_DESIGNER_LAPSED";
        var reason = Assert.Single(response.Reasons, r => r.Code == code);
        Assert.Contains(until, reason.Message, StringComparison.Ordinal);
        Assert.Equal(confidence, reason.Confidence);
        Assert.Equal(rebutted ? "" : "3A090.a", response.Eccn);
    }

    [Theory]
    // 32 billion: presumed in 2026 (threshold 30); below 35 from 2027 without HBM; with HBM the 30 still applies.
    [InlineData(2026, 12, 31, 32, false, "3A090.a")]
    [InlineData(2027, 1, 1, 32, false, "")]
    [InlineData(2027, 1, 1, 32, true, "3A090.a")]
    [InlineData(2026, 6, 1, 29.9, true, "")]
    // 38 billion: presumed through 2028, below 40 from 2029 without HBM.
    [InlineData(2028, 12, 31, 38, false, "3A090.a")]
    [InlineData(2029, 1, 1, 38, false, "")]
    [InlineData(2029, 1, 1, 38, true, "3A090.a")]
    // At the threshold is not below it.
    [InlineData(2026, 6, 1, 30, false, "3A090.a")]
    public async Task TransistorThreshold_ByYearOfExportAndHbm(int year, int month, int day, double billions, bool hbm, string eccn)
    {
        var response = await Classify(Day(year, month, day), billions, hbm: hbm);

        Assert.Equal(eccn, response.Eccn);
        Assert.Contains(response.Reasons, r => r.Code == (eccn.Length == 0 ? "FOUNDRY.BELOW_TRANSISTOR_THRESHOLD" : "FOUNDRY.PRESUMED_3A090A"));
    }

    [Fact]
    public async Task KnownChipAboveTheBands_KeepsItsOwnParagraph()
    {
        var response = await service.Client.ClassifyAsync(new ClassifyRequest
        {
            KnownChip = "NVIDIA H100 SXM",
            AsOf = Day(2026, 6, 1),
            Foundry = new FoundryFacts { AdvancedNode = true, TransistorCountBillions = 80 },
        });

        Assert.Equal("3A090.a", response.Eccn);
        Assert.Equal("3A090.a.1", response.Paragraph);
        Assert.Contains(response.Reasons, r => r.Code == "FOUNDRY.PRESUMED_3A090A");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(1e9)]
    public async Task BadTransistorCount_InvalidArgumentNamingTheField(double billions)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Classify(Day(2026, 6, 1), billions));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("foundry.transistor_count_billions:", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FoundryFactsWithMemory_InvalidArgument()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => service.Client.ClassifyAsync(new ClassifyRequest
        {
            Memory = new MemorySpec { Name = "hbm3e", BandwidthGbPerS = 1200, PackageAreaMm2 = 100 },
            Foundry = new FoundryFacts { AdvancedNode = true },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("foundry:", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownDesignerStatus_InvalidArgument()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Classify(Day(2026, 6, 1), 80, (IcDesignerStatus)42));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("foundry.designer:", e.Status.Detail, StringComparison.Ordinal);
    }
}
