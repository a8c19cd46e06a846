using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using Diffusion.Decisions.V1;
using Grpc.Core;
using Spectre.Console;

namespace Diffusion.Cli.Commands;

/// <summary>
/// <c>diffusion decide --batch orders.jsonl</c>: every order of the file over one DecideStream call. Orders are read
/// and sent lazily, at most <c>--parallel</c> ahead of their answers, and each answer is counted (or printed, with
/// --json) as it arrives, so a file of any size runs in bounded memory. Answers come in the order of the file.
/// </summary>
internal static class DecideBatch
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    public static async Task<int> RunAsync(
        CliContext context, DecisionService.DecisionServiceClient client, string path, Action<DecideRequest> adjust, ParseResult parse, int ahead, CancellationToken cancellationToken)
    {
        var json = parse.GetValue(CliContext.Json);
        var tally = new BatchTally();
        var started = Stopwatch.StartNew();
        if (json)
        {
            await StreamAsync(client, path, adjust, ahead, answer =>
            {
                tally.Add(answer);
                WriteJson(context, answer);
            }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var total = OrderFiles.CountBatch(path);
            await context.Console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask(total is { } n ? $"deciding {n} orders" : "deciding orders", maxValue: Math.Max(1, total ?? 1));
                    task.IsIndeterminate = total is null;
                    await StreamAsync(client, path, adjust, ahead, answer =>
                    {
                        tally.Add(answer);
                        task.Increment(1);
                    }, cancellationToken).ConfigureAwait(false);
                    task.StopTask();
                }).ConfigureAwait(false);
            context.Console.Write(tally.Summary(started.Elapsed));
        }

        return tally.Errors > 0 ? 1 : 0;
    }

    /// <summary>
    /// Sends the file's orders on one DecideStream and hands <paramref name="onAnswer"/> one answer per order line,
    /// in file order (a line that is not an order is answered here, without being sent).
    /// </summary>
    private static async Task StreamAsync(
        DecisionService.DecisionServiceClient client, string path, Action<DecideRequest> adjust, int ahead, Action<BatchAnswer> onAnswer, CancellationToken cancellationToken)
    {
        // No deadline: a batch runs as long as it has orders; Ctrl+C cancels the call, and the service stops deciding.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = client.DecideStream(cancellationToken: stop.Token);
        using var room = new SemaphoreSlim(ahead);

        // Lines in the order they were read; the service answers sent orders in the order they were sent.
        var lines = new ConcurrentQueue<BatchLine>();
        var sending = SendAsync();
        try
        {
            while (await call.ResponseStream.MoveNext(stop.Token).ConfigureAwait(false))
            {
                var answer = call.ResponseStream.Current;
                while (lines.TryDequeue(out var line))
                {
                    if (line.Order is not null)
                    {
                        onAnswer(new BatchAnswer(line, answer));
                        break;
                    }

                    onAnswer(new BatchAnswer(line, null));
                }

                room.Release();
            }
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(sending).ConfigureAwait(false);
            throw;
        }

        await sending.ConfigureAwait(false);
        while (lines.TryDequeue(out var unsent))
        {
            onAnswer(new BatchAnswer(unsent, null));
        }

        async Task SendAsync()
        {
            var sent = 0;
            foreach (var line in OrderFiles.ReadBatch(path))
            {
                if (line.Order is null)
                {
                    lines.Enqueue(line);
                    continue;
                }

                adjust(line.Order);
                await room.WaitAsync(stop.Token).ConfigureAwait(false);
                lines.Enqueue(line);

                // Orders are buffered and flushed every 64, or when the next one would wait for room: fewer, larger writes.
                call.RequestStream.WriteOptions = ++sent % 64 != 0 && room.CurrentCount > 0 ? Buffered : null;
                await call.RequestStream.WriteAsync(line.Order, stop.Token).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static void WriteJson(CliContext context, BatchAnswer answer)
    {
        if (answer.Answer?.Decision is { } decision)
        {
            context.WriteJson(decision, indented: false);
            return;
        }

        context.Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { order_id = answer.OrderId, line = answer.Line.LineNumber, error = answer.Error }));
    }
}

/// <summary>One order line and the service's answer to it (null when the line was not an order).</summary>
internal sealed record BatchAnswer(BatchLine Line, DecideStreamResponse? Answer)
{
    public string OrderId => Answer?.OrderId ?? Line.Order?.OrderId ?? "";

    /// <summary>Why the line was not decided, as "Status: detail", or null when it was.</summary>
    public string? Error => Answer switch
    {
        null => Line.Problem ?? "not sent",
        { ResultCase: DecideStreamResponse.ResultOneofCase.Decision } => null,
        { Error: { } e } => $"{(StatusCode)e.Code}: {e.Message}",
        _ => "no answer",
    };
}
