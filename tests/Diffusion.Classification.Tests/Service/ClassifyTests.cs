using Diffusion.Classification.V1;
using Google.Protobuf.WellKnownTypes;

namespace Diffusion.Classification.Tests.Service;

[Collection(ClassificationServiceCollection.Name)]
public sealed class ClassifyTests(ClassificationServiceFixture service)
{
    private static Timestamp Day(int year, int month, int day) =>
        Timestamp.FromDateTimeOffset(new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero));

    private static ChipSpec Chip(double tops, uint bits, double area, bool? datacenter = null)
    {
        var chip = new ChipSpec { Name = "test", ApplicableDieAreaMm2 = area };
        chip.Rates.Add(new ComputeRate { BitLength = bits, DenseTops = tops, Unit = "tensor", Format = "FP16" });
        if (datacenter is { } d)
        {
            chip.Datacenter = d;
        }

        return chip;
    }

    [Fact]
    public async Task Classify_KnownChipH100_Is3A090aWithTheSpecAndReasons()
    {
        var response = await service.Client.ClassifyAsync(new ClassifyRequest { KnownChip = "nvidia h100 sxm", AsOf = Day(2025, 2, 1) });

        Assert.Equal("3A090.a", response.Eccn);
        Assert.Equal("3A090.a.1", response.Paragraph);
        Assert.Equal(15832, response.Tpp);
        Assert.Equal(19.45, response.PerformanceDensity, 2);
        Assert.Equal(1.0, response.H100Equivalents);
        Assert.Equal("aid-2025", response.RuleSet);
        Assert.Equal("NVIDIA H100 SXM", response.ItemName);
        Assert.Equal(["NAC", "ACA", "LPP", "AIA"], response.LicenseExceptions);
        Assert.Equal(3, response.Chip.Rates.Count);
        Assert.Contains(response.Reasons, r => r.Code == "3A090.A.1" && r.Citation.Contains("3A090.a.1", StringComparison.Ordinal) && r.Confidence == "R");
    }

    [Fact]
    public async Task Classify_ChipAt4800_IsAtTheThreshold()
    {
        var response = await service.Client.ClassifyAsync(new ClassifyRequest { Chip = Chip(300, 16, 10000), RuleSet = "acr-2023" });

        Assert.Equal("3A090.a.1", response.Paragraph);
        Assert.Equal(4800, response.Tpp);
        Assert.Equal(["NAC", "ACA"], response.LicenseExceptions);
        Assert.True(response.Datacenter);
    }

    [Fact]
    public async Task Classify_NotForDatacenterBelow4800_IsOutsideAsAnAnswer()
    {
        var response = await service.Client.ClassifyAsync(new ClassifyRequest { Chip = Chip(4799.99, 1, 1000, datacenter: false) });

        Assert.Equal("", response.Eccn);
        Assert.False(response.Datacenter);
        Assert.Empty(response.LicenseExceptions);
        Assert.Contains(response.Reasons, r => r.Code == "NOT_FOR_DATACENTER.OUTSIDE");
    }

    [Fact]
    public async Task Classify_Memory_3A090cWithHbmException()
    {
        var response = await service.Client.ClassifyAsync(new ClassifyRequest
        {
            Memory = new MemorySpec { Name = "HBM3 stack", BandwidthGbPerS = 819, PackageAreaMm2 = 300 },
        });

        Assert.Equal("3A090.c", response.Eccn);
        Assert.Equal(2.73, response.MemoryBandwidthDensity, 2);
        Assert.Equal(["HBM"], response.LicenseExceptions);
    }

    [Theory]
    [InlineData(null, false, "aid-2026")]   // clock: 2026-11-21
    [InlineData("2024-06-01", false, "acr-2023")]
    [InlineData("2025-06-01", false, "aid-2025")]
    [InlineData("2025-06-01", true, "acr-2026")]
    public async Task Classify_RuleSet_FromAsOfOrExplicit(string? asOf, bool explicitAcr2026, string expected)
    {
        var request = new ClassifyRequest { KnownChip = "H20", RuleSet = explicitAcr2026 ? "acr-2026" : "" };
        if (asOf is not null)
        {
            request.AsOf = Timestamp.FromDateTime(DateTime.SpecifyKind(DateTime.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc));
        }

        var response = await service.Client.ClassifyAsync(request);

        Assert.Equal(expected, response.RuleSet);
        Assert.Equal("", response.Eccn);
    }

    [Fact]
    public async Task ListKnownChips_ReturnsTheCatalogueWithSources()
    {
        var response = await service.Client.ListKnownChipsAsync(new ListKnownChipsRequest());

        Assert.Equal(8, response.Chips.Count);
        Assert.All(response.Chips, c => Assert.False(string.IsNullOrEmpty(c.Source)));
        var rtx = Assert.Single(response.Chips, c => c.Spec.Name == "NVIDIA GeForce RTX 4090");
        Assert.False(rtx.Spec.Datacenter);
        Assert.Equal("3A090.a", rtx.ExpectedEccn);
        Assert.Equal("S", rtx.Confidence);
    }
}
