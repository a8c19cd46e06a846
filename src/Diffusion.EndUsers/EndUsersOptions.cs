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
}
