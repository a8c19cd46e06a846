namespace Diffusion.Rules.EndUsers;

/// <summary>
/// A percentage limit (e.g. 75 %, 7 %) applied to whole-TPP quantities with exact integer arithmetic:
/// the percentage is held as the fraction <c>numerator / denominator</c> and every comparison is done by
/// cross-multiplying in <see cref="Int128"/>, so no rounding ever decides a boundary (exactly 75 % passes a
/// ">= 75 %" test, one TPP less fails it).
/// </summary>
public sealed record SharePercent
{
    /// <summary>Most decimal places accepted in a percentage (keeps the fraction small).</summary>
    public const int MaxDecimalPlaces = 6;

    private readonly long numerator;
    private readonly long denominator;

    /// <summary>Creates a percentage in [0, 100] with at most <see cref="MaxDecimalPlaces"/> decimals.</summary>
    public SharePercent(decimal percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100m);
        if (percent.Scale > MaxDecimalPlaces && decimal.Round(percent, MaxDecimalPlaces) != percent)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, $"more than {MaxDecimalPlaces} decimal places");
        }

        var scale = 1L;
        var scaled = percent;
        while (decimal.Truncate(scaled) != scaled)
        {
            scaled *= 10;
            scale *= 10;
        }

        Percent = percent;
        numerator = (long)scaled;
        denominator = checked(100 * scale);
    }

    /// <summary>The percentage, e.g. 75 for 75 %.</summary>
    public decimal Percent { get; }

    /// <summary>Whether <paramref name="part"/> is at least this share of <paramref name="total"/> (exact).</summary>
    public bool IsAtLeastShareOf(long part, long total) => checked((Int128)part * denominator) >= checked((Int128)total * numerator);

    /// <summary>Whether <paramref name="part"/> is at most this share of <paramref name="total"/> (exact).</summary>
    public bool IsAtMostShareOf(long part, long total) => checked((Int128)part * denominator) <= checked((Int128)total * numerator);

    /// <summary>The least whole TPP that is at least this share of <paramref name="total"/>: ceil(total x p / 100).</summary>
    public long MinimumOf(long total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        var product = checked((Int128)total * numerator);
        return (long)((product + denominator - 1) / denominator);
    }

    /// <summary>The most whole TPP that is at most this share of <paramref name="total"/>: floor(total x p / 100).</summary>
    public long MaximumOf(long total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        return (long)(checked((Int128)total * numerator) / denominator);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Percent.ToString(System.Globalization.CultureInfo.InvariantCulture)} %";
}
