using System.CommandLine;
using Diffusion.Cli.Rendering;
using Diffusion.Quota.V1;
using Diffusion.Rules.Quotas;
using Spectre.Console;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffusion quota balance &lt;bucket&gt;</c>, <c>diffusion quota us-shipments</c> and <c>diffusion allocations</c>.</summary>
internal static class QuotaCommands
{
    public static Command Create(CliContext context)
    {
        var bucket = new Argument<string>("bucket") { Description = "A bucket id, e.g. country/AE/2025-2027, lpp/acme/2026, nveu/dc-1/IN" };
        var balance = new Command("balance", "Cap, committed, pending and available TPP of one bucket") { bucket };
        balance.SetAction(async (parse, cancellationToken) =>
        {
            var client = new QuotaService.QuotaServiceClient(context.Channel("quota", parse));
            var response = await client.GetBalanceAsync(new GetBalanceRequest { BucketId = parse.GetValue(bucket)! }, CliContext.Call(parse, cancellationToken));
            context.Show(parse, response, () => Views.Balances(
                    [new Balance { BucketId = response.BucketId, Cap = response.Cap, Committed = response.Committed, Pending = response.Pending, Available = response.Available }],
                    "balance"));

            return 0;
        });
        return new Command("quota", "Allocation buckets") { balance, UsShipments(context) };
    }

    /// <summary>
    /// <c>diffusion quota us-shipments --exporter E --product P --units N --tpp-each T</c>: records the total an exporter
    /// states it has shipped of a product to US end users, as the cap of its China share bucket (91 FR 1684: China and
    /// Macau shipments at most 50 % of it). Quota's own SetAllocation, so the change is in its audit with the caller and
    /// the reason; a later, larger total raises the cap, and a total below what China/Macau orders hold is refused.
    /// </summary>
    private static Command UsShipments(CliContext context)
    {
        var exporter = new Option<string>("--exporter") { Description = "The exporter, as orders name it", Required = true };
        var product = new Option<string>("--product") { Description = "The product, as orders name it, e.g. \"NVIDIA H200 SXM\"", Required = true };
        var units = new Option<long>("--units") { Description = "Units shipped to US end users in total so far", Required = true };
        var tppEach = new Option<long>("--tpp-each") { Description = "Whole TPP of one unit (diffusion classify shows it)", Required = true };
        var command = new Command("us-shipments", "Record an exporter's total US shipments of a product: the cap of its China/Macau share bucket")
        {
            exporter, product, units, tppEach,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (exporterName, productName) = (parse.GetValue(exporter)!, parse.GetValue(product)!);
            var bucket = BucketId.ForChinaShare(exporterName, productName)
                ?? throw new CliException("--exporter and --product must each hold a letter or digit");
            var (count, each) = (parse.GetValue(units), parse.GetValue(tppEach));
            if (count <= 0 || each <= 0)
            {
                throw new CliException("--units and --tpp-each must be positive");
            }

            var total = count <= QuotaRules.MaxTpp / each ? count * each : throw new CliException($"--units x --tpp-each must be at most {QuotaRules.MaxTpp} TPP");
            var client = new QuotaService.QuotaServiceClient(context.Channel("quota", parse));
            var response = await client.SetAllocationAsync(
                new SetAllocationRequest
                {
                    BucketId = bucket,
                    Cap = total,
                    Reason = $"US shipments of {productName} by {exporterName} as the exporter states them: {count} units x {each} TPP (91 FR 1684, China/Macau share)",
                },
                CliContext.Call(parse, cancellationToken));
            context.Show(parse, response, () => Views.Balances([response.Balance], "US shipments recorded"));
            return 0;
        });
        return command;
    }

    public static Command Allocations(CliContext context)
    {
        var prefix = new Option<string>("--prefix") { Description = "Bucket id prefix", DefaultValueFactory = _ => "country/" };
        var command = new Command("allocations", "How much of every Tier 2 country's allocation is used, as bars") { prefix };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var client = new QuotaService.QuotaServiceClient(context.Channel("quota", parse));
            var response = await client.ListBucketsAsync(new ListBucketsRequest { Prefix = parse.GetValue(prefix)! }, CliContext.Call(parse, cancellationToken));
            if (parse.GetValue(CliContext.Json))
            {
                context.WriteJson(response);
            }
            else if (response.Balances.Count == 0)
            {
                context.Console.MarkupLine("no allocation has been drawn yet (buckets appear on first use)");
            }
            else
            {
                context.Console.Write(Views.Balances(response.Balances.OrderByDescending(b => b.Cap == 0 ? 0 : (double)(b.Committed + b.Pending) / b.Cap).ThenBy(b => b.BucketId, StringComparer.Ordinal), "allocations"));
            }

            return 0;
        });
        return command;
    }
}
