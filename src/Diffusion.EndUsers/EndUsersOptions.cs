using System.ComponentModel.DataAnnotations;

namespace Diffusion.EndUsers;

/// <summary>Settings of the EndUsers service (configuration section <see cref="SectionName"/>).</summary>
public sealed class EndUsersOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "EndUsers";

    /// <summary>Deadline of each call to the Quota service.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan QuotaDeadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Lifetime of an NVEU reservation between Reserve and Commit. Long enough for the sweeper to commit the
    /// reservation of a deployment recorded while Commit failed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Rule set applied when a request names none. Empty: the set in force on the request's as_of date (after
    /// 2025-05-13 that is a set without the VEU framework unless <c>Rules:EnforceAiDiffusion2025</c> is on).
    /// </summary>
    public string DefaultRuleSet { get; set; } = "";

    /// <summary>How often recorded NVEU deployments whose reservation is not yet committed are committed again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CommitSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Restricted-party screening: a party's name matches a list entry when the Jaro-Winkler similarity of the two
    /// normalised names (best of the entry's name and aliases, in word order or with words sorted) is at or above this.
    /// 0.90 holds a one-letter typo of a name of 8 letters or more (about 0.95-0.99) and lets unrelated company names
    /// sharing a city or a word pass (about 0.6-0.85); equal normal forms are an exact match whatever the threshold.
    /// </summary>
    [Range(0.5, 1.0)]
    public double ScreeningMatchThreshold { get; set; } = 0.90;

    /// <summary>
    /// The list loaded at start when none is stored, relative to the rules directory (CSL JSON). Empty: none.
    /// </summary>
    public string ScreeningListFile { get; set; } = "restricted-parties.json";
}
