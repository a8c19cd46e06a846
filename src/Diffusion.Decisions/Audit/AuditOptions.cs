using System.ComponentModel.DataAnnotations;
using Diffusion.Storage.Audit;

namespace Diffusion.Decisions.Audit;

/// <summary>Settings of the audit trail (its writer's queue and its checkpoints), bound from the configuration section <c>Audit</c>.</summary>
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

    /// <summary>
    /// How many audit rows may wait for their commit (beyond the batch being written) before a decision, confirmation
    /// or cancellation is refused RESOURCE_EXHAUSTED, to be repeated later. Bounds the service's memory while PostgreSQL
    /// is slow.
    /// </summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = AuditWriter.DefaultQueueCapacity;

    /// <summary>How often the chain's head is signed (when it moved since the last checkpoint).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);
}
