using Diffusion.AppHost.Otlp.Proto;
using Google.Protobuf;

namespace Diffusion.AppHost.Dashboard;

/// <summary>A span as the dashboard keeps it.</summary>
public sealed record SpanRecord(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    string Service,
    string Instance,
    ulong StartUnixNano,
    ulong EndUnixNano,
    bool IsError,
    string StatusMessage,
    IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>Duration in milliseconds.</summary>
    public double DurationMs => EndUnixNano > StartUnixNano ? (EndUnixNano - StartUnixNano) / 1e6 : 0;
}

/// <summary>A log record received over OTLP.</summary>
public sealed record TelemetryLogRecord(ulong TimeUnixNano, string Service, string Severity, string Body, string? TraceId, string Category);

/// <summary>A trace in the list: its root, the services it crossed, its extent.</summary>
public sealed record TraceSummary(string TraceId, string RootName, string RootService, IReadOnlyList<string> Services,
    int SpanCount, double StartUnixMs, double DurationMs, bool HasError);

/// <summary>Request metrics of one service, derived from its server spans.</summary>
public sealed record ServiceMetrics(string Service, int Requests, int Errors, double P50Ms, double P95Ms, double MaxMs);

/// <summary>
/// Traces and logs received from the services over OTLP/HTTP, bounded in memory (oldest traces dropped first).
/// </summary>
public sealed class TelemetryStore(int maxTraces = 2000, int maxLogs = 10000)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<SpanRecord>> _traces = new(StringComparer.Ordinal);
    private readonly Queue<string> _traceOrder = new();
    private readonly Queue<TelemetryLogRecord> _logs = new();

    /// <summary>Spans received so far (all time).</summary>
    public long SpansReceived { get; private set; }

    /// <summary>Adds the spans of an ExportTraceServiceRequest.</summary>
    public int AddTraces(ExportTraceServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var count = 0;
        lock (_gate)
        {
            foreach (var resourceSpans in request.ResourceSpans)
            {
                var (service, instance) = Identify(resourceSpans.Resource);
                foreach (var span in resourceSpans.ScopeSpans.SelectMany(s => s.Spans))
                {
                    var record = new SpanRecord(
                        Hex(span.TraceId),
                        Hex(span.SpanId),
                        span.ParentSpanId.IsEmpty ? null : Hex(span.ParentSpanId),
                        span.Name,
                        span.Kind.ToString().Replace("SpanKind", "", StringComparison.Ordinal).ToUpperInvariant(),
                        service,
                        instance,
                        span.StartTimeUnixNano,
                        span.EndTimeUnixNano,
                        span.Status?.Code == Status.Types.StatusCode.Error,
                        span.Status?.Message ?? "",
                        span.Attributes.ToDictionary(a => a.Key, a => Text(a.Value), StringComparer.Ordinal));
                    if (!_traces.TryGetValue(record.TraceId, out var spans))
                    {
                        spans = [];
                        _traces[record.TraceId] = spans;
                        _traceOrder.Enqueue(record.TraceId);
                        while (_traceOrder.Count > maxTraces)
                        {
                            _traces.Remove(_traceOrder.Dequeue());
                        }
                    }
                    spans.Add(record);
                    count++;
                }
            }
            SpansReceived += count;
        }
        return count;
    }

    /// <summary>Adds the records of an ExportLogsServiceRequest.</summary>
    public int AddLogs(ExportLogsServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var count = 0;
        lock (_gate)
        {
            foreach (var resourceLogs in request.ResourceLogs)
            {
                var (service, _) = Identify(resourceLogs.Resource);
                foreach (var scope in resourceLogs.ScopeLogs)
                {
                    foreach (var log in scope.LogRecords)
                    {
                        _logs.Enqueue(new TelemetryLogRecord(
                            log.TimeUnixNano != 0 ? log.TimeUnixNano : log.ObservedTimeUnixNano,
                            service,
                            log.SeverityText is { Length: > 0 } severity ? severity : log.SeverityNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            Text(log.Body),
                            log.TraceId.IsEmpty ? null : Hex(log.TraceId),
                            scope.Scope?.Name ?? ""));
                        count++;
                    }
                }
            }
            while (_logs.Count > maxLogs)
            {
                _logs.Dequeue();
            }
        }
        return count;
    }

    /// <summary>
    /// The newest traces first. <paramref name="requestsOnly"/> keeps only traces that served a request (hold a SERVER
    /// span), hiding background work such as a service polling its database.
    /// </summary>
    public IReadOnlyList<TraceSummary> Traces(int limit = 100, string? service = null, bool requestsOnly = false)
    {
        lock (_gate)
        {
            return [.. _traceOrder.Reverse()
                .Where(id => !requestsOnly || _traces[id].Any(s => s.Kind == "SERVER"))
                .Select(id => Summarize(id, _traces[id]))
                .Where(t => service is null || t.Services.Contains(service))
                .Take(limit)];
        }
    }

    /// <summary>The spans of one trace, by start time (null when unknown).</summary>
    public IReadOnlyList<SpanRecord>? Trace(string traceId)
    {
        lock (_gate)
        {
            return _traces.TryGetValue(traceId, out var spans) ? [.. spans.OrderBy(s => s.StartUnixNano)] : null;
        }
    }

    /// <summary>Newest structured log records first.</summary>
    public IReadOnlyList<TelemetryLogRecord> Logs(int limit = 200, string? service = null)
    {
        lock (_gate)
        {
            return [.. _logs.Reverse().Where(l => service is null || l.Service == service).Take(limit)];
        }
    }

    /// <summary>
    /// Requests, errors and latency percentiles per service, from the SERVER spans held. A gRPC call has two server
    /// spans (ASP.NET Core's HTTP span and the gRPC runtime's span inside it): only the outer one counts.
    /// </summary>
    public IReadOnlyList<ServiceMetrics> Metrics()
    {
        List<SpanRecord> servers;
        lock (_gate)
        {
            servers = [.. _traces.Values.SelectMany(spans =>
            {
                var serverIds = spans.Where(s => s.Kind == "SERVER").Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
                return spans.Where(s => s.Kind == "SERVER" && (s.ParentSpanId is null || !serverIds.Contains(s.ParentSpanId)));
            })];
        }
        return [.. servers.GroupBy(s => s.Service).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var durations = g.Select(s => s.DurationMs).Order().ToArray();
            return new ServiceMetrics(g.Key, durations.Length, g.Count(IsFailure),
                Percentile(durations, 0.50), Percentile(durations, 0.95), durations[^1]);
        })];
    }

    private static bool IsFailure(SpanRecord span) =>
        span.IsError || (span.Attributes.TryGetValue("http.response.status_code", out var code) && code.StartsWith('5'));

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static TraceSummary Summarize(string traceId, List<SpanRecord> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var root = spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).MinBy(s => s.StartUnixNano) ?? spans[0];
        var start = spans.Min(s => s.StartUnixNano);
        var end = spans.Max(s => s.EndUnixNano);
        return new TraceSummary(traceId, root.Name, root.Service,
            [.. spans.Select(s => s.Service).Distinct(StringComparer.Ordinal)], spans.Count,
            start / 1e6, end > start ? (end - start) / 1e6 : 0, spans.Any(IsFailure));
    }

    private static (string Service, string Instance) Identify(Otlp.Proto.Resource? resource)
    {
        var attributes = resource?.Attributes ?? [];
        var service = attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue ?? "unknown";
        var instance = attributes.FirstOrDefault(a => a.Key == "service.instance.id")?.Value?.StringValue ?? "";
        return (service, instance);
    }

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    private static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(Text)) + "]",
        AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(kv => kv.Key + "=" + Text(kv.Value))) + "}",
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        _ => "",
    };
}
