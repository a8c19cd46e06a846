using Diffusion.Storage.Audit;

namespace Diffusion.Benchmarks.Decisions;

/// <summary>An audit trail that keeps nothing: Decisions as before the audit trail, the "before" of its cost (benchmark only).</summary>
internal sealed class NoAuditTrail : IAuditTrail
{
    public Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken) =>
        Task.FromResult(new AuditEntry(0, record, [], []));
}
