using System.ComponentModel.DataAnnotations;

namespace Diffusion.Decisions.Audit;

/// <summary>Settings of the audit trail's checkpoints, bound from the configuration section <c>Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Audit";

    /// <summary>
    /// The checkpoint key (ECDSA P-256 private key, PEM or one line of base64 PKCS#8), a secret the database never sees;
    /// the AppHost makes it on first run (<c>.diffusion/secrets/audit-checkpoint</c>). Empty: this service signs no
    /// checkpoints.
    /// </summary>
    public string? CheckpointKey { get; set; }

    /// <summary>How often the chain's head is signed (when it moved since the last checkpoint).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);
}
