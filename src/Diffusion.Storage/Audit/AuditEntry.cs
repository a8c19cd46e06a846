namespace Diffusion.Storage.Audit;

/// <summary>
/// One audited change: who (the authenticated subject), what kind (<see cref="AuditKinds"/>), about what (a bucket id,
/// a VEU id, an order id), when, and its details as JSON.
/// </summary>
public sealed record AuditRecord(DateTimeOffset At, string Actor, string Kind, string Subject, string Details);

/// <summary>A row of the trail: the record, its place in the chain and the hashes that link it.</summary>
public sealed record AuditEntry(long Seq, AuditRecord Record, byte[] PrevHash, byte[] Hash);

/// <summary>A signed statement that the chain's row <see cref="Seq"/> had hash <see cref="HeadHash"/>.</summary>
public sealed record AuditCheckpoint(long Seq, byte[] HeadHash, DateTimeOffset SignedAt, string KeyId, byte[] Signature);

/// <summary>The kinds of audited change.</summary>
public static class AuditKinds
{
    /// <summary>An allocation cap created or changed (Quota SetAllocation).</summary>
    public const string CapSet = "cap.set";

    /// <summary>A VEU registered (EndUsers RegisterVeu).</summary>
    public const string VeuRegistered = "veu.registered";

    /// <summary>A VEU's status changed (EndUsers SetVeuStatus).</summary>
    public const string VeuStatusSet = "veu.status";

    /// <summary>An order decided for real, with what it reserved if anything (Decisions Decide or DecideStream; not a dry run or what-if).</summary>
    public const string OrderDecided = "order.decided";

    /// <summary>An order's reservation committed: the goods ship (Decisions Confirm).</summary>
    public const string OrderConfirmed = "order.confirmed";

    /// <summary>An order's reservation released (Decisions Cancel).</summary>
    public const string OrderCancelled = "order.cancelled";
}
