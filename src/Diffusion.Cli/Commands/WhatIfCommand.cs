using System.CommandLine;
using Diffusion.Cli.Rendering;
using Diffusion.Decisions.V1;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffusion whatif order.json --rule-sets aid-2025,acr-2026</c>: one order under several rule sets, reserving nothing.</summary>
internal static class WhatIfCommand
{
    public static Command Create(CliContext context)
    {
        var order = new Argument<string>("order") { Description = "An order: a DecideRequest in protobuf JSON" };
        var ruleSets = new Option<string>("--rule-sets") { Description = "Comma-separated rule set ids, e.g. aid-2025,acr-2026", Required = true };
        var command = new Command("whatif", "Compare the decision on one order under several rule sets (nothing reserved)") { order, ruleSets };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new WhatIfRequest { Order = OrderFiles.ReadOrder(parse.GetValue(order)!) };
            request.RuleSets.AddRange(parse.GetValue(ruleSets)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            var client = new DecisionService.DecisionServiceClient(context.Channel("decisions", parse));
            var response = await client.WhatIfAsync(request, CliContext.Call(parse, cancellationToken));
            context.Show(parse, response, () => Views.WhatIf(response));

            return 0;
        });
        return command;
    }
}
