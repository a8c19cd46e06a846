using System.CommandLine;
using Diffusion.Cli.Rendering;
using Diffusion.Decisions.V1;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffusion decide order.json</c> and <c>diffusion decide --batch orders.jsonl</c>.</summary>
internal static class DecideCommand
{
    public static Command Create(CliContext context)
    {
        var order = new Argument<string?>("order") { Description = "An order: a DecideRequest in protobuf JSON ('-' reads standard input)", Arity = ArgumentArity.ZeroOrOne };
        var batch = new Option<string?>("--batch")
        {
            Description = "Decide every order of a JSON Lines file (one DecideRequest per line; '-' reads standard input), streamed over one DecideStream call with no deadline",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Decide without reserving" };
        var ruleSet = new Option<string?>("--rule-set") { Description = "Override the order's rule set" };
        var parallel = new Option<int>("--parallel")
        {
            Description = "Batch: orders sent ahead of their answers (the service decides up to its own window, Decisions:StreamWindow, at once)",
            DefaultValueFactory = _ => 256,
        };
        var command = new Command("decide", "Decide an order: outcome, authorisation, reasons, and the reservation of what it draws")
        {
            order, batch, dryRun, ruleSet, parallel,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(order) is null) == (result.GetValue(batch) is null))
            {
                result.AddError("give an order file, or --batch with a JSON Lines file");
            }

            if (result.GetResult(parallel) is not null && result.GetValue(parallel) < 1)
            {
                result.AddError("--parallel must be at least 1");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            void Adjust(DecideRequest request)
            {
                request.DryRun |= parse.GetValue(dryRun);
                if (parse.GetValue(ruleSet) is { } set)
                {
                    request.RuleSet = set;
                }
            }

            var client = new DecisionService.DecisionServiceClient(context.Channel("decisions", parse));
            if (parse.GetValue(batch) is { } path)
            {
                return await DecideBatch.RunAsync(context, client, path, Adjust, parse, parse.GetValue(parallel), cancellationToken);
            }

            var request = OrderFiles.ReadOrder(parse.GetValue(order)!);
            Adjust(request);
            var response = await client.DecideAsync(request, CliContext.Call(parse, cancellationToken));
            context.Show(parse, response, () => Views.Decision(response));

            return 0;
        });
        return command;
    }
}
