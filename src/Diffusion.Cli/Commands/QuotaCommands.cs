using System.CommandLine;
using Diffusion.Cli.Rendering;
using Diffusion.Quota.V1;
using Spectre.Console;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffusion quota balance &lt;bucket&gt;</c> and <c>diffusion allocations</c>.</summary>
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
        return new Command("quota", "Allocation buckets") { balance };
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
