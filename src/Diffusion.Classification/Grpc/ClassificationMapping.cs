using System.Globalization;
using Diffusion.Rules;
using Diffusion.Rules.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Domain = Diffusion.Rules.Classification;

namespace Diffusion.Classification.Grpc;

/// <summary>
/// Protobuf ↔ domain mapping of the classification service. ToDomain validates shape and throws INVALID_ARGUMENT
/// naming the request field ("chip.rates[1].dense_tops: ..."); doubles become decimals here (15 significant digits,
/// see <see cref="Domain.ComputeRate"/>).
/// </summary>
internal static class ClassificationMapping
{
    /// <summary>Largest figure accepted for TOPS, areas and bandwidths: far beyond any chip, far inside decimal's range.</summary>
    private const double MaxFigure = 1e15;

    /// <summary>Largest bit length accepted.</summary>
    private const uint MaxBitLength = 1024;

    /// <summary>
    /// Most rates one chip may list: one per processing unit and bit length, so a few dozen at most for any real chip;
    /// a request is bounded before any work is done for it.
    /// </summary>
    public const int MaxRates = 64;

    public static RpcException InvalidArgument(string field, string problem) =>
        new(new Status(StatusCode.InvalidArgument, $"{field}: {problem}"));

    public static Domain.ChipSpec ToDomain(this V1.ChipSpec chip, string field = "chip")
    {
        if (chip.Rates.Count == 0)
        {
            throw InvalidArgument(field + ".rates", "at least one dense compute rate is required");
        }

        if (chip.Rates.Count > MaxRates)
        {
            throw InvalidArgument(field + ".rates", $"at most {MaxRates} rates, got {chip.Rates.Count}");
        }

        var rates = new List<Domain.ComputeRate>(chip.Rates.Count);
        for (var i = 0; i < chip.Rates.Count; i++)
        {
            var rate = chip.Rates[i];
            var at = $"{field}.rates[{i}]";
            if (rate.BitLength is 0 or > MaxBitLength)
            {
                throw InvalidArgument(at + ".bit_length", $"must be between 1 and {MaxBitLength}, was {rate.BitLength}");
            }

            rates.Add(new Domain.ComputeRate((int)rate.BitLength, Figure(rate.DenseTops, at + ".dense_tops", allowZero: true), rate.Unit, rate.Format));
        }

        var area = Figure(chip.ApplicableDieAreaMm2, field + ".applicable_die_area_mm2", allowZero: false);
        var bandwidth = Figure(chip.TotalDramBandwidthGbPerS, field + ".total_dram_bandwidth_gb_per_s", allowZero: true);
        return new Domain.ChipSpec(chip.Name, rates, area, !chip.HasDatacenter || chip.Datacenter, bandwidth == 0 ? null : bandwidth);
    }

    public static Domain.MemorySpec ToDomain(this V1.MemorySpec memory, string field = "memory") => new(
        memory.Name,
        Figure(memory.BandwidthGbPerS, field + ".bandwidth_gb_per_s", allowZero: true),
        Figure(memory.PackageAreaMm2, field + ".package_area_mm2", allowZero: false));

    /// <summary>Largest transistor count accepted, in billions: far beyond any package (today's largest are near 200).</summary>
    private const double MaxTransistorBillions = 100_000;

    public static Domain.Foundry.FoundryFacts ToDomain(this V1.FoundryFacts foundry, string field = "foundry")
    {
        decimal? count = null;
        if (foundry.HasTransistorCountBillions)
        {
            var value = foundry.TransistorCountBillions;
            count = double.IsFinite(value) && value is >= 0 and <= MaxTransistorBillions
                ? (decimal)value
                : throw InvalidArgument(field + ".transistor_count_billions",
                    $"must be a finite number from 0 to {MaxTransistorBillions:0}, was {value.ToString(CultureInfo.InvariantCulture)}");
        }

        var designer = foundry.Designer switch
        {
            V1.IcDesignerStatus.Unspecified or V1.IcDesignerStatus.None => Domain.Foundry.IcDesignerStatus.None,
            V1.IcDesignerStatus.Approved => Domain.Foundry.IcDesignerStatus.Approved,
            V1.IcDesignerStatus.Authorized => Domain.Foundry.IcDesignerStatus.Authorized,
            _ => throw InvalidArgument(field + ".designer", $"unknown status {(int)foundry.Designer}"),
        };
        return new Domain.Foundry.FoundryFacts(foundry.AdvancedNode, count, foundry.ContainsHbm, designer);
    }

    /// <summary>The calendar day (UTC) of <paramref name="asOf"/>; today by <paramref name="clock"/> when unset.</summary>
    public static DateOnly ToAsOfDay(this Timestamp? asOf, TimeProvider clock)
    {
        if (asOf is null)
        {
            return DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        }

        try
        {
            return DateOnly.FromDateTime(asOf.ToDateTimeOffset().UtcDateTime);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
        {
            throw InvalidArgument("as_of", $"not a valid timestamp ({e.Message})");
        }
    }

    public static V1.ClassifyResponse ToProto(this Domain.ClassificationResult result, RuleSet ruleSet)
    {
        var response = new V1.ClassifyResponse
        {
            Eccn = result.Eccn,
            Paragraph = result.Paragraph,
            Tpp = (double)result.Tpp,
            PerformanceDensity = (double)(result.PerformanceDensity ?? 0m),
            H100Equivalents = (double)result.H100Equivalents,
            RuleSet = ruleSet.Id,
            ItemName = result.ItemName,
            Datacenter = result.Datacenter,
            MemoryBandwidthDensity = (double)(result.MemoryBandwidthDensity ?? 0m),
        };
        response.LicenseExceptions.AddRange(result.LicenseExceptions);
        response.Reasons.AddRange(result.Reasons.Select(r => r.ToProto()));
        return response;
    }

    public static V1.ChipSpec ToProto(this Domain.ChipSpec chip)
    {
        var proto = new V1.ChipSpec
        {
            Name = chip.Name,
            ApplicableDieAreaMm2 = (double)(chip.ApplicableDieAreaMm2 ?? 0m),
            Datacenter = chip.Datacenter,
            TotalDramBandwidthGbPerS = (double)(chip.TotalDramBandwidthGbPerS ?? 0m),
        };
        proto.Rates.AddRange(chip.Rates.Select(r => new V1.ComputeRate
        {
            BitLength = (uint)r.BitLength,
            DenseTops = (double)r.DenseTops,
            Unit = r.Unit,
            Format = r.Format,
        }));
        return proto;
    }

    public static V1.KnownChip ToProto(this Domain.KnownChip chip) => new()
    {
        Spec = chip.ToSpec().ToProto(),
        Source = chip.Source,
        Confidence = chip.Confidence.ToTag(),
        ExpectedEccn = chip.Expected.Value,
    };

    private static decimal Figure(double value, string field, bool allowZero)
    {
        if (!double.IsFinite(value) || value < 0 || (!allowZero && value == 0) || value > MaxFigure)
        {
            throw InvalidArgument(field, $"must be a finite number {(allowZero ? ">=" : ">")} 0 and at most {MaxFigure:0e0}, was " +
                value.ToString(CultureInfo.InvariantCulture));
        }

        var converted = (decimal)value;
        return allowZero || converted > 0
            ? converted
            : throw InvalidArgument(field, "must be > 0, was " + value.ToString(CultureInfo.InvariantCulture) + " (too small to tell from 0)");
    }
}
