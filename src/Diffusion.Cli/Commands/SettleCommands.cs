using System.CommandLine;
using Diffusion.Decisions.V1;
using Spectre.Console;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffusion confirm &lt;order&gt;</c> (the goods ship) and <c>diffusion cancel &lt;order&gt;</c> (the order is off).</summary>
internal static class SettleCommands
{
    public static Command Confirm(CliContext context) => Create(context, "confirm", "The goods ship: commit the order's reservation", confirm: true);

    public static Command Cancel(CliContext context) => Create(context, "cancel", "The order is off: release the order's reservation", confirm: false);

    private static Command Create(CliContext context, string name, string description, bool confirm)
    {
        var orderId = new Argument<string>("order") { Description = "The order id" };
        var command = new Command(name, description) { orderId };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var client = new DecisionService.DecisionServiceClient(context.Channel("decisions", parse));
            var id = parse.GetValue(orderId)!;
            Google.Protobuf.IMessage response;
            string reservation;
            string state;
            if (confirm)
            {
                var r = await client.ConfirmAsync(new ConfirmRequest { OrderId = id }, Cli.CliContext.Call(parse, cancellationToken));
                (response, reservation, state) = (r, r.ReservationId, r.State.ToString());
            }
            else
            {
                var r = await client.CancelAsync(new CancelRequest { OrderId = id }, Cli.CliContext.Call(parse, cancellationToken));
                (response, reservation, state) = (r, r.ReservationId, r.State.ToString());
            }

            if (parse.GetValue(CliContext.Json))
            {
                context.WriteJson(response);
            }
            else
            {
                context.Console.MarkupLine($"order [bold]{Markup.Escape(id)}[/]: reservation {Markup.Escape(reservation)} is now [bold]{Markup.Escape(state.ToLowerInvariant())}[/]");
            }

            return 0;
        });
        return command;
    }
}
