using System.Text.Json.Serialization;

namespace Diffusion.LoadTest.Faults;

/// <summary>
/// One injected fault, a line of <c>faults.jsonl</c>: what was done to which process, when, and when the system
/// served again (µs since the Unix epoch, injector's clock).
/// </summary>
internal sealed record FaultRecord
{
    /// <summary>kill-redis, kill-quota or restart-postgres.</summary>
    [JsonPropertyName("fault")] public required string Fault { get; init; }

    /// <summary>The process signalled.</summary>
    [JsonPropertyName("pid")] public int Pid { get; init; }

    /// <summary>The signal sent (KILL, QUIT).</summary>
    [JsonPropertyName("signal")] public required string Signal { get; init; }

    [JsonPropertyName("injected_us")] public long InjectedMicros { get; init; }

    /// <summary>When a new process of the same kind was running (the orchestrator restarted it); null if never seen.</summary>
    [JsonPropertyName("process_back_us")] public long? ProcessBackMicros { get; init; }

    /// <summary>When Quota next answered a read that needs Redis and the ledger; null if not within the patience.</summary>
    [JsonPropertyName("recovered_us")] public long? RecoveredMicros { get; init; }

    /// <summary>Why the fault could not be injected (no such process), if it could not.</summary>
    [JsonPropertyName("error")] public string? Error { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FaultRecord))]
internal sealed partial class FaultJson : JsonSerializerContext;
