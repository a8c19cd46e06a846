using System.Globalization;

namespace Diffusion.Rules.Quotas;

/// <summary>A calendar quarter, e.g. 2026-Q1 = the days [2026-01-01, 2026-04-01).</summary>
public readonly record struct CalendarQuarter : IComparable<CalendarQuarter>
{
    /// <summary>Creates a quarter; <paramref name="quarter"/> is 1 to 4.</summary>
    public CalendarQuarter(int year, int quarter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(quarter, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quarter, 4);
        Year = year;
        Quarter = quarter;
    }

    /// <summary>The calendar year.</summary>
    public int Year { get; }

    /// <summary>1 to 4.</summary>
    public int Quarter { get; }

    /// <summary>The first day of the quarter (inclusive).</summary>
    public DateOnly Start => new(Year, 3 * (Quarter - 1) + 1, 1);

    /// <summary>The quarter that contains <paramref name="day"/>.</summary>
    public static CalendarQuarter Of(DateOnly day) => new(day.Year, (day.Month - 1) / 3 + 1);

    /// <summary>Parses "2026-Q1"; null when malformed.</summary>
    public static CalendarQuarter? TryParse(string? text)
    {
        if (text is not { Length: 7 } || text[4] != '-' || text[5] != 'Q'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || text[6] is < '1' or > '4')
        {
            return null;
        }

        return new CalendarQuarter(year, text[6] - '0');
    }

    /// <inheritdoc />
    public int CompareTo(CalendarQuarter other) => (Year, Quarter).CompareTo((other.Year, other.Quarter));

    /// <summary>Earlier than.</summary>
    public static bool operator <(CalendarQuarter a, CalendarQuarter b) => a.CompareTo(b) < 0;

    /// <summary>Later than.</summary>
    public static bool operator >(CalendarQuarter a, CalendarQuarter b) => a.CompareTo(b) > 0;

    /// <summary>Not later than.</summary>
    public static bool operator <=(CalendarQuarter a, CalendarQuarter b) => a.CompareTo(b) <= 0;

    /// <summary>Not earlier than.</summary>
    public static bool operator >=(CalendarQuarter a, CalendarQuarter b) => a.CompareTo(b) >= 0;

    /// <summary>"2026-Q1".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-Q{Quarter}");
}
