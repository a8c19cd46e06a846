using System.Collections.Concurrent;
using System.CommandLine;
using Diffusion.Cli.Rendering;
using Diffusion.Decisions.V1;
using Grpc.Core;
using Spectre.Console;

namespace Diffusion.Cli.Commands;

/// <summary><c>diffusion decide order.json</c> and <c>diffusion decide --batch orders.jsonl</c>.</summary>
internal static class DecideCommand
{
    public static Command Create(CliContext context)
    {
        var order = new Argument<string?>("order") { Description = "An order: a DecideRequest in protobuf JSON ('-' reads standard input)", Arity = ArgumentArity.ZeroOrOne };
        var batch = new Option<string?>("--batch") { Description = "Decide every order of a JSON Lines file (one DecideRequest per line)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Decide without reserving" };
        var ruleSet = new Option<string?>("--rule-set") { Description = "Override the order's rule set" };
        var parallel = new Option<int>("--parallel") { Description = "Batch: orders in flight at once", DefaultValueFactory = _ => 8 };
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
                var orders = OrderFiles.ReadBatch(path);
                foreach (var o in orders)
                {
                    Adjust(o);
                }

                return await RunBatchAsync(context, client, orders, parse, parse.GetValue(parallel), cancellationToken);
            }

            var request = OrderFiles.ReadOrder(parse.GetValue(order)!);
            Adjust(request);
            var response = await client.DecideAsync(request, CliContext.Call(parse, cancellationToken));
            context.Show(parse, response, () => Views.Decision(response));

            return 0;
        });
        return command;
    }

    private static async Task<int> RunBatchAsync(
        CliContext context, DecisionService.DecisionServiceClient client, IReadOnlyList<DecideRequest> orders, ParseResult parse, int parallelism, CancellationToken cancellationToken)
    {
        var results = new ConcurrentDictionary<int, BatchResult>();
        var json = parse.GetValue(CliContext.Json);
        var started = System.Diagnostics.Stopwatch.StartNew();

        async Task RunAllAsync(Action onDone)
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, orders.Count),
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    try
                    {
                        var response = await client.DecideAsync(orders[i], CliContext.Call(parse, ct));
                        results[i] = new BatchResult(orders[i], response, null);
                    }
                    catch (RpcException e)
                    {
                        results[i] = new BatchResult(orders[i], null, $"{e.StatusCode}: {e.Status.Detail}");
                    }

                    onDone();
                });
        }

        if (json)
        {
            await RunAllAsync(() => { });
            for (var i = 0; i < orders.Count; i++)
            {
                var r = results[i];
                if (r.Response is not null)
                {
                    context.WriteJson(r.Response, indented: false);
                }
                else
                {
                    context.Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { order_id = r.Order.OrderId, error = r.Error }));
                }
            }
        }
        else
        {
            await context.Console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"deciding {orders.Count} orders", maxValue: orders.Count);
                    await RunAllAsync(() => task.Increment(1));
                });
            context.Console.Write(Summary(orders.Count, results.Values, started.Elapsed));
        }

        return results.Values.Any(r => r.Error is not null) ? 1 : 0;
    }

    private static Table Summary(int count, IEnumerable<BatchResult> results, TimeSpan elapsed)
    {
        var list = results.ToList();
        var table = new Table()
            .Title($"{count} orders in {elapsed.TotalSeconds:0.0} s")
            .AddColumn("decision").AddColumn(new TableColumn("orders").RightAligned())
            .AddColumn(new TableColumn("TPP").RightAligned()).AddColumn(new TableColumn("reserved TPP").RightAligned());
        foreach (var group in list.Where(r => r.Response is not null).GroupBy(r => Views.Headline(r.Response!)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var outcome = group.First().Response!.Outcome;
            table.AddRow(
                $"[{Views.OutcomeColor(outcome)}]{Markup.Escape(group.Key)}[/]",
                group.Count().ToString(System.Globalization.CultureInfo.InvariantCulture),
                Views.Tpp(group.Sum(r => r.Response!.TotalTpp)),
                Views.Tpp(group.Where(r => r.Response!.ReservationId.Length > 0).Sum(r => r.Response!.Draws.Sum(d => d.Tpp))));
        }

        foreach (var failure in list.Where(r => r.Error is not null))
        {
            table.AddRow($"[red]error[/] {Markup.Escape(failure.Order.OrderId)}", "1", "", Markup.Escape(failure.Error!));
        }

        return table;
    }

    private sealed record BatchResult(DecideRequest Order, DecideResponse? Response, string? Error);
}
