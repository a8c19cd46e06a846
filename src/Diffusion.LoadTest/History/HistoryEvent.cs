using System.Text.Json.Serialization;

namespace Diffusion.LoadTest.History;

/// <summary>
/// One call attempt as a worker saw it: one JSON object per line of a worker's <c>history.jsonl</c> (format in
/// docs/load-tests.md). Written when the attempt completes, whatever its status; a retry is a line of its own with the
/// same <see cref="Id"/> and a higher <see cref="Attempt"/>. Times are the worker's wall clock in microseconds since the
/// Unix epoch, so several machines' histories merge on one time line.
/// </summary>
internal sealed record HistoryEvent
{
    /// <summary>The call: one of <see cref="Ops"/>.</summary>
    [JsonPropertyName("op")] public required string Op { get; init; }

    /// <summary>The worker that made the call.</summary>
    [JsonPropertyName("worker")] public required string Worker { get; init; }

    /// <summary>The reservation id (Quota calls) or the order id (Decisions calls).</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }

    /// <summary>Decisions calls: the reservation id the answer names ("" when none).</summary>
    [JsonPropertyName("reservation_id")] public string? ReservationId { get; init; }

    /// <summary>What the call draws (Reserve: as asked; Decide: as answered) or the bucket whose cap it sets.</summary>
    [JsonPropertyName("draws")] public IReadOnlyList<HistoryDraw>? Draws { get; init; }

    /// <summary>set_allocation: the cap set.</summary>
    [JsonPropertyName("cap")] public long? Cap { get; init; }

    /// <summary>1 for the first attempt of a call, 2 for its first retry...</summary>
    [JsonPropertyName("attempt")] public int Attempt { get; init; } = 1;

    /// <summary>When the attempt was sent.</summary>
    [JsonPropertyName("invoke_us")] public long InvokeMicros { get; init; }

    /// <summary>When its answer or error arrived.</summary>
    [JsonPropertyName("complete_us")] public long CompleteMicros { get; init; }

    /// <summary>The gRPC status name: OK, UNAVAILABLE, INVALID_ARGUMENT...</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }

    /// <summary>Reserve: RESERVED, INSUFFICIENT or UNKNOWN_BUCKET; Decide: the decision outcome.</summary>
    [JsonPropertyName("outcome")] public string? Outcome { get; init; }

    /// <summary>Commit, Release, Confirm, Cancel: the reservation's state in the answer (COMMITTED, RELEASED...).</summary>
    [JsonPropertyName("state")] public string? State { get; init; }

    /// <summary>Reserve and reserving Decide: when the reservation returns by itself if still pending (service clock).</summary>
    [JsonPropertyName("expires_us")] public long? ExpiresMicros { get; init; }

    /// <summary>True for calls made during the warm-up (kept in the history, left out of the latency figures).</summary>
    [JsonPropertyName("warmup")] public bool Warmup { get; init; }

    /// <summary>Whether the service answered (any status the server chose, not a transport failure or deadline).</summary>
    [JsonIgnore] public bool IsOk => Status == "OK";
}

/// <summary>An amount of whole TPP from one bucket.</summary>
internal sealed record HistoryDraw(
    [property: JsonPropertyName("bucket")] string Bucket,
    [property: JsonPropertyName("tpp")] long Tpp);

/// <summary>The values of <see cref="HistoryEvent.Op"/>.</summary>
internal static class Ops
{
    public const string SetAllocation = "set_allocation";
    public const string Reserve = "reserve";
    public const string Commit = "commit";
    public const string Release = "release";
    public const string Decide = "decide";
    public const string DecideDryRun = "decide_dry_run";
    public const string Confirm = "confirm";
    public const string Cancel = "cancel";
    public const string Hostile = "hostile";

    /// <summary>Every op, in the order reports list them.</summary>
    public static readonly IReadOnlyList<string> All = [Reserve, Commit, Release, Decide, DecideDryRun, Confirm, Cancel, Hostile, SetAllocation];
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HistoryEvent))]
internal sealed partial class HistoryJson : JsonSerializerContext;
