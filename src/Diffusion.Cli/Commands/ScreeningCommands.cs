using System.CommandLine;
using System.Globalization;
using Diffusion.Cli.Rendering;
using Diffusion.Screening.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace Diffusion.Cli.Commands;

/// <summary>
/// <c>diffusion screening load|check|clear|clearances</c>: the restricted-party list (US Consolidated Screening List
/// JSON or CSV, as published) and officers' clearances of false positives, at EndUsers' ScreeningService.
/// </summary>
internal static class ScreeningCommands
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "The list as published: consolidated.json or consolidated.csv" };
        var published = new Option<string?>("--published-at") { Description = "Publication day YYYY-MM-DD (required for CSV; JSON: the file's own date)" };
        var load = new Command("load", "Load a Consolidated Screening List (JSON or CSV); open orders are re-screened when it is the newest") { file, published };
        load.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var request = new LoadListRequest
            {
                Format = path.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase) ? "csv" : "json",
                Content = ByteString.CopyFrom(await File.ReadAllBytesAsync(path.FullName, cancellationToken)),
                Source = path.Name,
            };
            if (parse.GetValue(published) is { } day)
            {
                request.PublishedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(
                    DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                        ? d.ToDateTime(TimeOnly.MinValue)
                        : throw new CliException($"--published-at: '{day}' is not a day (YYYY-MM-DD)"), DateTimeKind.Utc));
            }

            var response = await Client(context, parse).LoadListAsync(request, CliContext.Call(parse, cancellationToken));
            context.Show(parse, response, () => new Markup(Markup.Escape(
                $"list {response.ListId}: {response.Entries} entries published {response.PublishedAt.ToDateTimeOffset():yyyy-MM-dd}" +
                $"{(response.AlreadyLoaded ? " (already loaded)" : "")}; {(response.Current ? "now screened against" : "older than the current list, kept")}; " +
                $"{response.Rescreened.Count} open order(s) changed on re-screening" +
                string.Concat(response.Rescreened.Select(s => $"\n  {s.OrderId}: {s.Verdict}")))));
            return 0;
        });

        var name = new Argument<string>("name") { Description = "A party's name" };
        var check = new Command("check", "Screen one name against the current list (nothing kept)") { name };
        check.SetAction(async (parse, cancellationToken) =>
        {
            var response = await Client(context, parse).ScreenAsync(
                new ScreenRequest { Parties = { new Party { Role = "consignee", Name = parse.GetValue(name)! } } }, CliContext.Call(parse, cancellationToken));
            context.Show(parse, response, () => new Rows(
                new Markup(Markup.Escape($"{response.Verdict} (list published {response.ListPublishedAt.ToDateTimeOffset():yyyy-MM-dd}, threshold {response.Threshold:0.00})")),
                Views.Reasons(response.Reasons)));
            return 0;
        });

        var consignee = new Argument<string>("consignee-id") { Description = "The consignee (party) id the order gives" };
        var entry = new Argument<string>("entry-id") { Description = "The list entry's id (from the decision's screening matches)" };
        var reason = new Option<string>("--reason") { Description = "Why it is a false positive (kept for audit)", Required = true };
        var clear = new Command("clear", "Officer: clear a match (false positive) for one consignee") { consignee, entry, reason };
        clear.SetAction(async (parse, cancellationToken) =>
        {
            var response = await Client(context, parse).ClearMatchAsync(new ClearMatchRequest
            {
                ConsigneeId = parse.GetValue(consignee)!,
                EntryId = parse.GetValue(entry)!,
                Reason = parse.GetValue(reason)!,
            }, CliContext.Call(parse, cancellationToken));
            context.Show(parse, response, () => Clearances([response]));
            return 0;
        });

        var of = new Option<string?>("--consignee") { Description = "Only this consignee's clearances" };
        var list = new Command("clearances", "Clearances recorded (who, when, why), newest first") { of };
        list.SetAction(async (parse, cancellationToken) =>
        {
            var response = await Client(context, parse).ListClearancesAsync(new ListClearancesRequest { ConsigneeId = parse.GetValue(of) ?? "" }, CliContext.Call(parse, cancellationToken));
            context.Show(parse, response, () => Clearances(response.Clearances));
            return 0;
        });

        return new Command("screening", "Restricted-party screening: the list and clearances") { load, check, clear, list };
    }

    private static ScreeningService.ScreeningServiceClient Client(CliContext context, ParseResult parse) => new(context.Channel("endusers", parse));

    private static Table Clearances(IEnumerable<Clearance> clearances)
    {
        var table = new Table().Title("clearances").AddColumn("consignee").AddColumn("entry").AddColumn("officer").AddColumn("when").AddColumn("why");
        foreach (var c in clearances)
        {
            table.AddRow(Markup.Escape(c.ConsigneeId), Markup.Escape(c.EntryId), Markup.Escape(c.Officer), Markup.Escape($"{c.ClearedAt.ToDateTimeOffset():u}"), Markup.Escape(c.Reason));
        }

        return table;
    }
}
