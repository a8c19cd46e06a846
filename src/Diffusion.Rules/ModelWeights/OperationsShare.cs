using System.Globalization;

namespace Diffusion.Rules.ModelWeights;

/// <summary>
/// A share of a model's training operations, in [0, 1] (e.g. the share spent on one generator's synthetic data).
/// </summary>
/// <remarks>
/// Carried as <see cref="decimal"/>. A wire <see cref="double"/> is read as the shortest decimal that round-trips to it,
/// so <c>0.1</c> is exactly 10% (not "more than 10%", which the exact binary value 0.1000000000000000055... would be)
/// and the next double up, 0.10000000000000002, is more than 10%.
/// </remarks>
[System.Text.Json.Serialization.JsonConverter(typeof(OperationsShareJsonConverter))]
public readonly record struct OperationsShare : IComparable<OperationsShare>
{
    /// <summary>No share.</summary>
    public static readonly OperationsShare None = new(0m);

    /// <summary>Creates a share; it must lie in [0, 1].</summary>
    public OperationsShare(decimal value)
    {
        if (value is < 0m or > 1m)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "a share must lie in [0, 1]");
        }

        Value = value;
    }

    /// <summary>The share, 0 to 1 inclusive.</summary>
    public decimal Value { get; }

    /// <summary>Reads a wire value; fails, with the problem in words, for NaN, infinities and values outside [0, 1].</summary>
    public static bool TryFromDouble(double value, out OperationsShare share, out string? problem)
    {
        share = None;
        if (!double.IsFinite(value))
        {
            problem = "must be a finite number";
            return false;
        }

        if (value is < 0 or > 1)
        {
            problem = $"must lie in [0, 1] (was {value.ToString("R", CultureInfo.InvariantCulture)})";
            return false;
        }

        // -0.0 is no share ("-0" would otherwise parse to a negative-zero decimal).
        share = value == 0 ? None : new OperationsShare(decimal.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture));
        problem = null;
        return true;
    }

    /// <summary>Reads a wire value, throwing <see cref="ArgumentOutOfRangeException"/> where <see cref="TryFromDouble"/> fails.</summary>
    public static OperationsShare FromDouble(double value) =>
        TryFromDouble(value, out var share, out var problem)
            ? share
            : throw new ArgumentOutOfRangeException(nameof(value), value, problem);

    public int CompareTo(OperationsShare other) => Value.CompareTo(other.Value);

    public static bool operator <(OperationsShare left, OperationsShare right) => left.Value < right.Value;

    public static bool operator >(OperationsShare left, OperationsShare right) => left.Value > right.Value;

    public static bool operator <=(OperationsShare left, OperationsShare right) => left.Value <= right.Value;

    public static bool operator >=(OperationsShare left, OperationsShare right) => left.Value >= right.Value;

    /// <summary>As a percentage, e.g. "10%".</summary>
    public override string ToString() => (Value * 100m).ToString("0.##############", CultureInfo.InvariantCulture) + "%";
}
