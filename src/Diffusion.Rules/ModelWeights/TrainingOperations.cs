using System.Globalization;

namespace Diffusion.Rules.ModelWeights;

/// <summary>
/// A number of training operations (whole operations, never negative), as counted by the 4E091 Technical Note:
/// pre-training and every later training step, not data collection.
/// </summary>
/// <remarks>
/// Carried as an integral <see cref="decimal"/> so that every comparison and sum at the thresholds (the rule data's
/// training-operations threshold, the derived-model floor and share) is exact. Values arrive from the wire as <see cref="double"/>; they are read by
/// <see cref="TryFromDouble"/> with this rule: take the shortest decimal that round-trips to the double (what the
/// sender wrote: <c>1e21</c> is exactly 10^21, the largest double below it stays below it), then drop
/// any fraction (operations are counted whole; truncation keeps "below an integral threshold" true).
/// A plain <c>(decimal)double</c> cast is not used: it rounds to 15 significant digits, which turns the largest
/// double below 10^26 into 10^26 (a false positive).
/// Inputs are limited to <see cref="MaxInput"/> so that any sum of four of them stays inside decimal's range
/// (7.9 x 10^28) and every sum stays exact (integers below 2^96 are exact in decimal).
/// </remarks>
[System.Text.Json.Serialization.JsonConverter(typeof(TrainingOperationsJsonConverter))]
public readonly record struct TrainingOperations : IComparable<TrainingOperations>
{
    /// <summary>The largest value accepted from outside: 1.9 x 10^28 operations.</summary>
    public static readonly decimal MaxInput = 19_000_000_000_000_000_000_000_000_000m;

    /// <summary>No operations.</summary>
    public static readonly TrainingOperations Zero = new(0m);

    /// <summary>Creates a count from a whole, non-negative number of operations.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or has a fraction.</exception>
    public TrainingOperations(decimal value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        if (decimal.Truncate(value) != value)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "training operations are counted whole");
        }

        Value = value;
    }

    /// <summary>The number of operations, integral.</summary>
    public decimal Value { get; }

    /// <summary>
    /// Reads a wire value (see the remarks on this type). Fails, with the problem in words, for NaN, infinities,
    /// negative values and values above <see cref="MaxInput"/>.
    /// </summary>
    public static bool TryFromDouble(double value, out TrainingOperations operations, out string? problem)
    {
        operations = Zero;
        if (double.IsNaN(value))
        {
            problem = "must be a number, not NaN";
            return false;
        }

        if (double.IsInfinity(value))
        {
            problem = "must be finite";
            return false;
        }

        if (value < 0)
        {
            problem = $"must not be negative (was {value.ToString("R", CultureInfo.InvariantCulture)})";
            return false;
        }

        if (value > (double)MaxInput)
        {
            problem = $"must not exceed {MaxInput.ToString("E2", CultureInfo.InvariantCulture)} operations " +
                $"(was {value.ToString("R", CultureInfo.InvariantCulture)})";
            return false;
        }

        if (value == 0)
        {
            // -0.0 is zero operations ("-0" would otherwise parse to a negative-zero decimal).
            operations = Zero;
            problem = null;
            return true;
        }

        var exact = decimal.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        operations = new TrainingOperations(decimal.Truncate(exact));
        problem = null;
        return true;
    }

    /// <summary>Reads a wire value, throwing <see cref="ArgumentOutOfRangeException"/> where <see cref="TryFromDouble"/> fails.</summary>
    public static TrainingOperations FromDouble(double value) =>
        TryFromDouble(value, out var operations, out var problem)
            ? operations
            : throw new ArgumentOutOfRangeException(nameof(value), value, problem);

    /// <summary>Exact sum (decimal addition is checked: it throws rather than wrap).</summary>
    public static TrainingOperations operator +(TrainingOperations left, TrainingOperations right) =>
        new(left.Value + right.Value);

    /// <summary>Difference, never below zero.</summary>
    public TrainingOperations SaturatingSubtract(TrainingOperations other) =>
        other.Value >= Value ? Zero : new TrainingOperations(Value - other.Value);

    /// <summary>The larger of two counts.</summary>
    public static TrainingOperations Max(TrainingOperations left, TrainingOperations right) =>
        left.Value >= right.Value ? left : right;

    /// <summary>
    /// This count scaled by a fraction (e.g. 25% of a base model), rounded DOWN to whole operations: the result is a
    /// threshold that "more than" is tested against, and for whole x, x &gt; floor(t) exactly when x &gt; t.
    /// </summary>
    public TrainingOperations ScaleForMoreThanTest(decimal fraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        return new TrainingOperations(decimal.Floor(Value * fraction));
    }

    public int CompareTo(TrainingOperations other) => Value.CompareTo(other.Value);

    public static bool operator <(TrainingOperations left, TrainingOperations right) => left.Value < right.Value;

    public static bool operator >(TrainingOperations left, TrainingOperations right) => left.Value > right.Value;

    public static bool operator <=(TrainingOperations left, TrainingOperations right) => left.Value <= right.Value;

    public static bool operator >=(TrainingOperations left, TrainingOperations right) => left.Value >= right.Value;

    /// <summary>Scientific notation with every significant digit, e.g. <c>1.0E+021</c> → "1e21".</summary>
    public override string ToString() => Format(Value);

    internal static string Format(decimal value)
    {
        if (value == 0)
        {
            return "0";
        }

        var digits = decimal.Truncate(value).ToString(CultureInfo.InvariantCulture).TrimEnd('0');
        var exponent = decimal.Truncate(value).ToString(CultureInfo.InvariantCulture).Length - 1;
        if (exponent < 6)
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
        return $"{mantissa}e{exponent}";
    }
}
