using Diffusion.EndUsers.Deployments;
using Diffusion.Rules.EndUsers;
using Diffusion.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;

namespace Diffusion.EndUsers.Grpc;

/// <summary>Shape checks on request fields; each failure names the field (INVALID_ARGUMENT).</summary>
internal static class RequestFields
{
    /// <summary>
    /// A non-blank identifier of at most <see cref="RequestText.MaxIdLength"/> characters, free of control characters
    /// (PostgreSQL refuses NUL: that is the caller's error, not the ledger's).
    /// </summary>
    public static string Id(string value, string field, int maxLength = RequestText.MaxIdLength) =>
        string.IsNullOrWhiteSpace(value) ? throw new RequestException(field, "must not be empty") : Text(value, field, maxLength);

    /// <summary>An optional identifier (empty allowed), bounded as <see cref="Id"/>.</summary>
    public static string OptionalId(string value, string field) => Text(value, field, RequestText.MaxIdLength);

    /// <summary>Free text (names, notes) of at most <paramref name="maxLength"/> characters, free of control characters.</summary>
    public static string Text(string value, string field, int maxLength = RequestText.MaxTextLength) =>
        RequestText.Problem(value, maxLength) is { } problem ? throw new RequestException(field, problem) : value;

    /// <summary>An ISO 3166-1 alpha-2 code, upper case.</summary>
    public static string Country(string value, string field) =>
        CountryCode.IsValid(value) ? value : throw new RequestException(field, $"{RequestText.Quote(value)} is not an ISO 3166-1 alpha-2 country code (e.g. AE, US)");

    /// <summary>Most countries one list may name: ISO 3166-1 assigns 249 alpha-2 codes.</summary>
    public const int MaxCountries = 249;

    /// <summary><paramref name="values"/>, when it has at most <paramref name="max"/> elements.</summary>
    public static IReadOnlyList<T> Bounded<T>(IReadOnlyList<T> values, int max, string field) =>
        values.Count <= max ? values : throw new RequestException(field, $"at most {max} elements, got {values.Count}");

    /// <summary>A whole TPP amount greater than zero.</summary>
    public static long Tpp(long value, string field) =>
        value > 0 ? value : throw new RequestException(field, $"must be greater than zero (was {value})");

    /// <summary>
    /// An instant, or null when unset. Truncated to whole microseconds: the ledger stores microseconds, and a
    /// retried request must compare equal to what was stored.
    /// </summary>
    public static DateTimeOffset? Instant(Timestamp? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        DateTimeOffset instant;
        try
        {
            instant = value.ToDateTimeOffset();
        }
        catch (InvalidOperationException)
        {
            throw new RequestException(field, $"is not a valid timestamp (seconds {value.Seconds}, nanos {value.Nanos})");
        }

        return instant.AddTicks(-(instant.Ticks % 10));
    }

    /// <summary>A defined, non-zero enum value.</summary>
    public static T Enum<T>(T value, string field)
        where T : struct, System.Enum =>
        System.Enum.IsDefined(value) && Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) != 0
            ? value
            : throw new RequestException(field, $"unknown or unspecified value {value}");
}
