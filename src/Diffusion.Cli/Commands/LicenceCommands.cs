using System.CommandLine;
using System.Globalization;
using Diffusion.Cli.Rendering;
using Diffusion.Licences.V1;
using Diffusion.Quota.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace Diffusion.Cli.Commands;

/// <summary>
/// <c>diffusion licence record|list</c>: granted export licences at EndUsers' LicenceService. Recording also sets the
/// licence's quantity as the cap of its Quota bucket <c>licence/&lt;number&gt;</c> (SetAllocation, as the officer, so
/// Quota's audit names who and why); shipments under the licence reserve against that bucket.
/// </summary>
internal static class LicenceCommands
{
    public static Command Create(CliContext context) => new("licence", "Granted export licences and what remains of them") { Record(context), List(context) };

    private static Command Record(CliContext context)
    {
        var number = new Argument<string>("number") { Description = "The licence number BIS gave, e.g. D1234567" };
        var exporter = new Option<string>("--exporter") { Description = "The exporter (licence holder), as orders name it", Required = true };
        var consignee = new Option<string>("--consignee") { Description = "The ultimate consignee's id, as orders give it (consignee.id)", Required = true };
        var consigneeName = new Option<string>("--consignee-name") { Description = "The consignee's name as on the licence" };
        var destination = new Option<string>("--destination") { Description = "Destination country, ISO 3166-1 alpha-2", Required = true };
        var eccns = new Option<string[]>("--eccn") { Description = "An ECCN the licence covers (repeat), e.g. 3A090.a", AllowMultipleArgumentsPerToken = false };
        var items = new Option<string[]>("--item") { Description = "An item the licence covers by name (repeat), e.g. \"NVIDIA H100 SXM\"" };
        var tpp = new Option<long?>("--tpp") { Description = "Quantity granted in whole TPP" };
        var units = new Option<long?>("--units") { Description = "Quantity granted in units of the items" };
        var value = new Option<long>("--value-usd") { Description = "Value stated on the licence, US dollars (0: none stated)" };
        var from = new Option<string>("--valid-from") { Description = "First day of validity, YYYY-MM-DD", Required = true };
        var until = new Option<string>("--valid-until") { Description = "Day the licence expires, YYYY-MM-DD (valid until its start)", Required = true };
        var conditions = new Option<string[]>("--condition") { Description = "A condition (rider) as written on the licence (repeat)" };
        var ruleSet = new Option<string>("--rule-set") { Description = "The rule set whose counting applies (default: the one in force on --valid-from); a Tier 2 licence under the 2025 framework draws the country allocation when recorded" };
        var command = new Command("record", "Officer: record a granted licence and set its quantity at Quota")
        {
            number, exporter, consignee, consigneeName, destination, eccns, items, tpp, units, value, from, until, conditions, ruleSet,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (byTpp, byUnits) = (parse.GetValue(tpp), parse.GetValue(units));
            if (byTpp.HasValue == byUnits.HasValue)
            {
                throw new CliException("give the quantity granted as exactly one of --tpp or --units");
            }

            var licence = new Licence
            {
                Number = parse.GetValue(number)!,
                Exporter = parse.GetValue(exporter)!,
                ConsigneeId = parse.GetValue(consignee)!,
                ConsigneeName = parse.GetValue(consigneeName) ?? "",
                DestinationCountry = parse.GetValue(destination)!,
                Eccns = { parse.GetValue(eccns) ?? [] },
                Items = { parse.GetValue(items) ?? [] },
                QuantityUnit = byTpp.HasValue ? QuantityUnit.Tpp : QuantityUnit.Units,
                Quantity = byTpp ?? byUnits!.Value,
                ValueUsd = parse.GetValue(value),
                ValidFrom = Day(parse.GetValue(from)!, "--valid-from"),
                ValidUntil = Day(parse.GetValue(until)!, "--valid-until"),
                Conditions = { parse.GetValue(conditions) ?? [] },
            };
            var recorded = await new LicenceService.LicenceServiceClient(context.Channel("endusers", parse))
                .RecordLicenceAsync(new RecordLicenceRequest { Licence = licence, RuleSet = parse.GetValue(ruleSet) ?? "" }, CliContext.Call(parse, cancellationToken));

            // The quantity is the cap of the licence's bucket. Setting it again to the same figure changes nothing, so a
            // record that failed here can be run again.
            var cap = await new QuotaService.QuotaServiceClient(context.Channel("quota", parse, endpointOption: false)).SetAllocationAsync(
                new SetAllocationRequest
                {
                    BucketId = recorded.BucketId,
                    Cap = recorded.Quantity,
                    Reason = $"licence {recorded.Number} granted to {recorded.Exporter} for {recorded.ConsigneeId} in {recorded.DestinationCountry}: {Quantity(recorded)}, valid {recorded.ValidFrom.ToDateTimeOffset():yyyy-MM-dd} to {recorded.ValidUntil.ToDateTimeOffset():yyyy-MM-dd}",
                },
                CliContext.Call(parse, cancellationToken));
            recorded.Balance = cap.Balance;
            context.Show(parse, recorded, () => new Rows(Table([recorded], "licence recorded"), Views.Reasons(recorded.Reasons)));
            return 0;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var consignee = new Option<string?>("--consignee") { Description = "Only this consignee's licences" };
        var destination = new Option<string?>("--destination") { Description = "Only licences for this country" };
        var exporter = new Option<string?>("--exporter") { Description = "Only this exporter's licences" };
        var command = new Command("list", "Recorded licences, newest first, with the quantity that remains (Quota's balance)") { consignee, destination, exporter };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var response = await new LicenceService.LicenceServiceClient(context.Channel("endusers", parse)).ListLicencesAsync(
                new ListLicencesRequest
                {
                    ConsigneeId = parse.GetValue(consignee) ?? "",
                    DestinationCountry = parse.GetValue(destination) ?? "",
                    Exporter = parse.GetValue(exporter) ?? "",
                },
                CliContext.Call(parse, cancellationToken));
            context.Show(parse, response, () => Table(response.Licences, "licences"));
            return 0;
        });
        return command;
    }

    // Names, conditions and the value are in --json; the table keeps to what an officer scans for: who, where, what,
    // and how much remains (Quota's available), has shipped (committed) and is reserved (pending).
    private static Table Table(IEnumerable<Licence> licences, string title)
    {
        var table = new Table().Title(title);
        foreach (var column in new[] { "number", "exporter", "consignee", "to", "covers", "granted", "remaining", "shipped", "reserved", "valid" })
        {
            table.AddColumn(column);
        }

        foreach (var l in licences)
        {
            var b = l.Balance;
            table.AddRow(
                Markup.Escape(l.Number),
                Markup.Escape(l.Exporter),
                Markup.Escape(l.ConsigneeId),
                Markup.Escape(l.DestinationCountry),
                Markup.Escape(string.Join(", ", l.Eccns.Concat(l.Items))),
                Markup.Escape(Quantity(l)),
                b is null ? "not set at Quota" : Views.Tpp(b.Available),
                b is null ? "" : Views.Tpp(b.Committed),
                b is null ? "" : Views.Tpp(b.Pending),
                Markup.Escape($"{l.ValidFrom.ToDateTimeOffset():yyyy-MM-dd} to {l.ValidUntil.ToDateTimeOffset():yyyy-MM-dd}"));
        }

        return table;
    }

    private static string Quantity(Licence l) =>
        l.QuantityUnit == QuantityUnit.Tpp ? $"{Views.Tpp(l.Quantity)} TPP" : $"{Views.Tpp(l.Quantity)} units";

    private static Timestamp Day(string text, string option) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? Timestamp.FromDateTime(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc))
            : throw new CliException($"{option}: '{text}' is not a day (YYYY-MM-DD)");
}
