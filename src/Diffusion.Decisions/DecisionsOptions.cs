using System.ComponentModel.DataAnnotations;

namespace Diffusion.Decisions;

/// <summary>Settings of the Decisions service, bound from the configuration section <c>Decisions</c>.</summary>
public sealed class DecisionsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Decisions";

    /// <summary>Deadline of every call to another service (Classification, EndUsers, ModelWeights, Quota).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a reservation stays pending before Quota returns it by itself; 0: Quota's default.</summary>
    [Range(0, 31_536_000)]
    public int ReservationTtlSeconds { get; set; }

    /// <summary>
    /// How many orders of one DecideStream are decided at once. The next order is read only when one of them is
    /// answered, so this bounds a stream's memory; more decide faster until the downstream services are saturated.
    /// </summary>
    [Range(1, 4096)]
    public int StreamWindow { get; set; } = 64;

    /// <summary>The country goods are exported from when an order does not say (ISO 3166-1 alpha-2).</summary>
    [Required]
    [RegularExpression("^[A-Z]{2}$")]
    public string DefaultOriginCountry { get; set; } = "US";
}
