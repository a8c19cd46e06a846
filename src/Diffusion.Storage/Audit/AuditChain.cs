using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Diffusion.Storage.Audit;

/// <summary>
/// The chain's arithmetic, with no I/O: a row's hash is SHA-256 over the previous row's hash, its seq and its fields
/// (each length-prefixed, so no two contents encode alike); a checkpoint's signature is ECDSA P-256 (SHA-256) over
/// "diffusion-audit-checkpoint", seq, head hash and signing time.
/// </summary>
public static class AuditChain
{
    /// <summary>The previous hash of row 1.</summary>
    public static byte[] Genesis { get; } = new byte[32];

    /// <summary>The hash of row <paramref name="seq"/> holding <paramref name="record"/> after a row whose hash is <paramref name="prevHash"/>.</summary>
    public static byte[] Hash(byte[] prevHash, long seq, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(prevHash);
        ArgumentNullException.ThrowIfNull(record);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(prevHash);
        Append(hash, seq);
        // Microseconds since the epoch: what PostgreSQL's timestamptz keeps (AuditLog truncates to it before writing).
        Append(hash, (record.At.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);
        foreach (var field in new[] { record.Actor, record.Kind, record.Subject, record.Details })
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            Append(hash, bytes.Length);
            hash.AppendData(bytes);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>What a checkpoint's signature covers.</summary>
    public static byte[] CheckpointPayload(long seq, byte[] headHash, DateTimeOffset signedAt)
    {
        ArgumentNullException.ThrowIfNull(headHash);
        var prefix = Encoding.ASCII.GetBytes("diffusion-audit-checkpoint");
        var payload = new byte[prefix.Length + 8 + headHash.Length + 8];
        prefix.CopyTo(payload, 0);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(prefix.Length), seq);
        headHash.CopyTo(payload, prefix.Length + 8);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(prefix.Length + 8 + headHash.Length), signedAt.ToUnixTimeMilliseconds());
        return payload;
    }

    /// <summary>
    /// Walks the rows (in seq order as stored) and the checkpoints; returns the first problem, naming the row, or null
    /// when the chain is whole and every checkpoint's signature (by <paramref name="publicKey"/>) and head agree with it.
    /// A row whose content changed fails its hash; a deleted row leaves a gap in seq (or, at the end, a checkpoint
    /// beyond the last row); rows swapped or inserted out of order fail the link to the row before.
    /// </summary>
    public static string? Verify(IEnumerable<AuditEntry> rows, IEnumerable<AuditCheckpoint> checkpoints, ECDsa? publicKey)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(checkpoints);
        var heads = new Dictionary<long, byte[]>();
        var previous = Genesis;
        long expected = 1;
        foreach (var row in rows)
        {
            if (row.Seq != expected)
            {
                return row.Seq > expected
                    ? $"row {expected} is missing (deleted): the trail goes from row {expected - 1} to row {row.Seq}"
                    : $"row {row.Seq} is out of order: it follows row {expected - 1}";
            }

            if (!CryptographicOperations.FixedTimeEquals(row.PrevHash, previous))
            {
                return $"row {row.Seq} does not follow row {row.Seq - 1} (its previous hash differs): rows reordered, inserted or row {row.Seq - 1} replaced";
            }

            if (!CryptographicOperations.FixedTimeEquals(Hash(previous, row.Seq, row.Record), row.Hash))
            {
                return $"row {row.Seq} was changed: its content does not match its hash";
            }

            heads[row.Seq] = row.Hash;
            previous = row.Hash;
            expected++;
        }

        foreach (var checkpoint in checkpoints.OrderBy(c => c.Seq))
        {
            if (publicKey is not null && !publicKey.VerifyData(CheckpointPayload(checkpoint.Seq, checkpoint.HeadHash, checkpoint.SignedAt), checkpoint.Signature, HashAlgorithmName.SHA256))
            {
                return $"checkpoint at row {checkpoint.Seq} has a signature the checkpoint key did not make";
            }

            if (!heads.TryGetValue(checkpoint.Seq, out var head))
            {
                return $"row {checkpoint.Seq} is missing (deleted): a checkpoint signed the trail up to it, which now ends at row {expected - 1}";
            }

            if (!CryptographicOperations.FixedTimeEquals(head, checkpoint.HeadHash))
            {
                return $"rows up to {checkpoint.Seq} were rewritten: the chain's hash at row {checkpoint.Seq} is not the one the checkpoint signed";
            }
        }

        return null;
    }

    private static void Append(IncrementalHash hash, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        hash.AppendData(bytes);
    }
}
