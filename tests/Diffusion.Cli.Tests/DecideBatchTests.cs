using System.Text.Json;
using Diffusion.Testing.Grpc;
using Diffusion.Testing.Hosts;
using Diffusion.Testing.Postgres;

namespace Diffusion.Cli.Tests;

/// <summary>
/// <c>diffusion decide --batch</c> over DecideStream against the real Decisions and Classification services (Tier 1
/// and Tier 3 orders need no other service; the others' addresses point nowhere), its audit trail in PostgreSQL.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DecideBatchTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GrpcTestServer classification = null!;
    private GrpcTestServer decisions = null!;
    private string book = null!;

    public async Task InitializeAsync()
    {
        classification = await ClassificationHost.StartAsync();
        decisions = await DecisionsHost.StartAsync(DecisionsHost.OnlyClassification(classification.Address), await postgres.CreateDatabaseAsync(), new Dictionary<string, string?> { ["Decisions:StreamWindow"] = "4" });

        // 30 orders (Tier 1 and Tier 3, every tenth with no quantity), a line that is not JSON, a comment.
        book = Path.GetTempFileName();
        var lines = new List<string> { "# an order book" };
        for (var n = 0; n < 30; n++)
        {
            var country = n % 2 == 0 ? "DE" : "CN";
            var quantity = n % 10 == 9 ? 0 : 8;
            lines.Add($$"""{"order_id":"cli-{{n}}","destination_country":"{{country}}","consignee":{"id":"c-{{country}}","headquarters_country":"{{country}}"},"as_of":"2026-03-01T00:00:00Z","items":[{"known_chip":"NVIDIA H100 SXM","quantity":{{quantity}}}]}""");
            if (n == 14)
            {
                lines.Add("{\"order_id\": broken");
            }
        }

        await File.WriteAllLinesAsync(book, lines);
    }

    public async Task DisposeAsync()
    {
        File.Delete(book);
        await decisions.DisposeAsync();
        await classification.DisposeAsync();
    }

    [Fact]
    public async Task DecideBatch_Json_OneLinePerOrderLineInFileOrder_ErrorsNameTheFieldOrLine_ExitOne()
    {
        var run = await CliRun.RunAsync(["decide", "--batch", book, "--dry-run", "--json", "--parallel", "3", "--endpoint", decisions.Address.ToString()]);

        Assert.Equal(1, run.ExitCode);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(31, lines.Count);
        var ids = lines.Select(l => l.TryGetProperty("order_id", out var id) ? id.GetString() : null).ToList();
        Assert.Equal([.. Enumerable.Range(0, 15).Select(n => $"cli-{n}"), "", .. Enumerable.Range(15, 15).Select(n => $"cli-{n}")], ids);
        var errors = lines.Where(l => l.TryGetProperty("error", out _)).ToList();
        Assert.Equal(4, errors.Count);
        Assert.Equal(3, errors.Count(e => e.GetProperty("error").GetString()!.StartsWith("InvalidArgument: items[0].quantity:", StringComparison.Ordinal)));
        Assert.Contains(errors, e => e.GetProperty("line").GetInt32() == 17 && e.GetProperty("error").GetString()!.Contains("invalid JSON", StringComparison.Ordinal));
        Assert.Equal(15, lines.Count(l => l.TryGetProperty("license_exception", out var x) && x.GetString() == "AIA"));
    }

    [Fact]
    public async Task DecideBatch_Table_CountsEachDecisionAndShowsTheErrors()
    {
        var run = await CliRun.RunAsync(["decide", "--batch", book, "--dry-run", "--endpoint", decisions.Address.ToString()]);

        // The progress bar's own lines are drawn on Spectre.Console's refresh timer, so a batch this small may end
        // before one is drawn; the summary after it is always written.
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("31 orders in", run.Output, StringComparison.Ordinal);
        Assert.Contains("cli-9 (line 11)", run.Output, StringComparison.Ordinal);
        Assert.Contains("(line 17)", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"licence exception AIA\s*\S*\s+15\b", run.Output);
    }
}
