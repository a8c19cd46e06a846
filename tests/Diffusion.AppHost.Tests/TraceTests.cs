using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Diffusion.Decisions.V1;
using Diffusion.Endusers.V1;
using Grpc.Core;

namespace Diffusion.AppHost.Tests;

/// <summary>
/// A Decide is one trace across the services and the stores they use, read back from the Aspire dashboard's telemetry
/// API (<c>/api/telemetry/traces/{traceId}</c>), where the services export it through OTLP as under <c>dotnet run</c>.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class TraceTests(AppFixture fixture)
{
    [Fact]
    public async Task Decide_NveuOrder_OneTraceAcrossServicesRedisAndPostgres()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var veu = $"nveu-trace-{run}";
        var endUsers = new EndUserService.EndUserServiceClient(fixture.Channel("endusers"));
        var registered = await endUsers.RegisterVeuAsync(new RegisterVeuRequest
        {
            AsOf = Orders.AsOf,
            Veu = new Veu
            {
                Id = veu, Kind = VeuKind.Nveu, Name = "DC " + veu, HeadquartersCountry = "IN", AuthorizedCountries = { "IN" },
                ValidFrom = Orders.VeuValidFrom,
            },
        }, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.True(registered.Registered);

        // The caller starts the trace (W3C traceparent), so the test knows which trace to read back.
        var traceId = ActivityTraceId.CreateRandom();
        var headers = new Metadata { { "traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01" } };
        var decisions = new DecisionService.DecisionServiceClient(fixture.Channel("decisions"));
        // Decisions asks EndUsers (whose VEU registry is in PostgreSQL), Classification and Quota (Redis, then its ledger).
        var decision = await decisions.DecideAsync(Orders.Nveu($"trace-{run}", "IN", veu, 100), headers, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.NotEmpty(decision.ReservationId);

        var spans = await ReadTraceAsync(traceId.ToHexString(), spans =>
            Has(spans, "decisions", "Microsoft.AspNetCore") && Has(spans, "classification", "Microsoft.AspNetCore")
            && Has(spans, "quota", "Microsoft.AspNetCore") && Has(spans, "quota", "OpenTelemetry.Instrumentation.StackExchangeRedis")
            && Has(spans, "quota", "Diffusion.Quota.Ledger") && Has(spans, "quota", "Npgsql") && Has(spans, "endusers", "Npgsql"));

        Assert.Contains(spans, s => s.Service == "decisions" && s.Name.Contains("DecisionService/Decide", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Service == "classification" && s.Name.Contains("ClassificationService/Classify", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Service == "quota" && s.Name.Contains("QuotaService/Reserve", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Scope == "OpenTelemetry.Instrumentation.StackExchangeRedis");
        // Quota's durable write runs on its ledger writer loop; the "ledger write" span carries the Reserve's trace there.
        Assert.Contains(spans, s => s.Service == "quota" && s.Scope == "Diffusion.Quota.Ledger" && s.Name == "ledger write");
        Assert.Contains(spans, s => s.Service == "quota" && s.Scope == "Npgsql");
        Assert.Contains(spans, s => s.Service == "endusers" && s.Scope == "Npgsql");
    }

    private static bool Has(IReadOnlyList<Span> spans, string service, string scope) =>
        spans.Any(s => s.Service == service && s.Scope == scope);

    /// <summary>Polls the dashboard until the trace has what <paramref name="complete"/> wants (exporters batch for about 1 s).</summary>
    private async Task<IReadOnlyList<Span>> ReadTraceAsync(string traceId, Func<IReadOnlyList<Span>, bool> complete)
    {
        using var http = new HttpClient { BaseAddress = fixture.App.GetEndpoint("aspire-dashboard", "http") };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        IReadOnlyList<Span> spans = [];
        while (DateTime.UtcNow < deadline)
        {
            using var response = await http.GetAsync(new Uri($"/api/telemetry/traces/{traceId}", UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                response.EnsureSuccessStatusCode();
                using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
                spans = Spans(json.RootElement).Where(s => s.TraceId == traceId).ToList();
                if (complete(spans))
                {
                    return spans;
                }
            }
            await Task.Delay(500);
        }
        Assert.Fail($"trace {traceId} incomplete after 60 s; spans: {string.Join("; ", spans.Select(s => $"{s.Service}/{s.Scope}/{s.Name}"))}");
        return spans;
    }

    private static IEnumerable<Span> Spans(JsonElement root)
    {
        foreach (var resourceSpans in root.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = resourceSpans.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                .Where(a => a.GetProperty("key").GetString() == "service.name")
                .Select(a => a.GetProperty("value").GetProperty("stringValue").GetString())
                .FirstOrDefault() ?? "";
            foreach (var scopeSpans in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
            {
                var scope = scopeSpans.GetProperty("scope").GetProperty("name").GetString() ?? "";
                foreach (var span in scopeSpans.GetProperty("spans").EnumerateArray())
                {
                    yield return new Span(span.GetProperty("traceId").GetString() ?? "", service, scope, span.GetProperty("name").GetString() ?? "");
                }
            }
        }
    }

    private sealed record Span(string TraceId, string Service, string Scope, string Name);
}
