using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Diffusion.Storage.Audit;
using Npgsql;
using Spectre.Console;

namespace Diffusion.Cli.Commands;

/// <summary>
/// <c>diffusion audit verify|list|checkpoint</c>: the hash-chained audit trail, read straight from PostgreSQL (so
/// anyone with read access can check it without trusting a service). <c>verify</c> exits 1 naming the first row that
/// was changed, deleted or reordered, or a checkpoint that does not hold.
/// </summary>
internal static class AuditCommand
{
    private static readonly Option<string?> Ledger = new("--ledger")
    {
        Description = "PostgreSQL connection string of the ledger (default: ConnectionStrings__ledger)",
        Recursive = true,
    };

    public static Command Create(CliContext context)
    {
        var audit = new Command("audit", "The tamper-evident audit trail: verify it, list it, sign its head") { Ledger };
        audit.Subcommands.Add(Verify(context));
        audit.Subcommands.Add(List(context));
        audit.Subcommands.Add(Checkpoint(context));
        return audit;
    }

    private static Command Verify(CliContext context)
    {
        var publicKey = new Option<string?>("--public-key") { Description = "PEM file of the checkpoint key's public half; checkpoints' signatures are checked with it" };
        var verify = new Command("verify", "Walk the chain and the checkpoints; exit 1 naming the first row changed, deleted or out of order") { publicKey };
        verify.SetAction(async (parse, cancellationToken) =>
        {
            await using var dataSource = DataSource(context, parse);
            using var key = LoadKey(parse.GetValue(publicKey));
            var rows = new List<AuditEntry>();
            await foreach (var row in AuditLog.ReadAsync(dataSource, cancellationToken: cancellationToken))
            {
                rows.Add(row);
            }

            var checkpoints = await AuditLog.CheckpointsAsync(dataSource, cancellationToken);
            if (AuditChain.Verify(rows, checkpoints, key) is { } problem)
            {
                await context.Output.WriteLineAsync($"audit trail broken: {problem}");
                return 1;
            }

            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"audit trail whole: {rows.Count} rows, {checkpoints.Count} checkpoints{(key is null ? " (signatures not checked: no --public-key)" : " with valid signatures")}"));
            return 0;
        });
        return verify;
    }

    private static Command List(CliContext context)
    {
        var actor = new Option<string?>("--actor") { Description = "Only rows by this subject" };
        var kind = new Option<string?>("--kind") { Description = "Only rows of this kind (cap.set, veu.registered, veu.status, order.decided, order.confirmed, order.cancelled)" };
        var subject = new Option<string?>("--subject") { Description = "Only rows about subjects starting with this (a bucket id, a VEU id, an order id)" };
        var since = new Option<string?>("--since") { Description = "Only rows at or after this day (YYYY-MM-DD, UTC)" };
        var until = new Option<string?>("--until") { Description = "Only rows before this day (YYYY-MM-DD, UTC)" };
        var list = new Command("list", "List the trail, oldest first") { actor, kind, subject, since, until };
        list.SetAction(async (parse, cancellationToken) =>
        {
            await using var dataSource = DataSource(context, parse);
            var filter = new AuditFilter(parse.GetValue(actor), parse.GetValue(kind), parse.GetValue(subject), Day(parse.GetValue(since), "--since"), Day(parse.GetValue(until), "--until"));
            var table = new Table().AddColumns("seq", "at", "actor", "kind", "subject", "details");
            await foreach (var row in AuditLog.ReadAsync(dataSource, filter, cancellationToken))
            {
                var r = row.Record;
                if (parse.GetValue(CliContext.Json))
                {
                    await context.Output.WriteLineAsync(JsonSerializer.Serialize(new { seq = row.Seq, at = r.At, actor = r.Actor, kind = r.Kind, subject = r.Subject, details = r.Details, hash = Convert.ToHexStringLower(row.Hash) }));
                }
                else
                {
                    table.AddRow(Markup.Escape(row.Seq.ToString(CultureInfo.InvariantCulture)), Markup.Escape(r.At.ToString("u", CultureInfo.InvariantCulture)), Markup.Escape(r.Actor), Markup.Escape(r.Kind), Markup.Escape(r.Subject), Markup.Escape(r.Details));
                }
            }

            if (!parse.GetValue(CliContext.Json))
            {
                context.Console.Write(table);
            }

            return 0;
        });
        return list;
    }

    private static Command Checkpoint(CliContext context)
    {
        var privateKey = new Option<string>("--key") { Description = "PEM file of the checkpoint key (ECDSA P-256), kept away from the database", Required = true };
        var checkpoint = new Command("checkpoint", "Sign the trail's current head and store the checkpoint") { privateKey };
        checkpoint.SetAction(async (parse, cancellationToken) =>
        {
            await using var dataSource = DataSource(context, parse);
            using var key = LoadKey(parse.GetValue(privateKey))!;
            var made = await AuditLog.CheckpointAsync(dataSource, key, AuditKeys.KeyId(key), TimeProvider.System, cancellationToken);
            await context.Output.WriteLineAsync(made is null ? "nothing to sign: the head is already checkpointed (or the trail is empty)" : $"checkpoint at row {made.Seq}");
            return 0;
        });
        return checkpoint;
    }

    private static NpgsqlDataSource DataSource(CliContext context, ParseResult parse)
    {
        var connection = parse.GetValue(Ledger) ?? context.Configuration["ConnectionStrings:ledger"]
            ?? throw new CliException("no ledger: pass --ledger \"Host=...;Database=ledger;Username=...\" or set ConnectionStrings__ledger");
        try
        {
            return NpgsqlDataSource.Create(connection);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--ledger: not a PostgreSQL connection string ({e.Message})");
        }
    }

    private static ECDsa? LoadKey(string? path)
    {
        if (path is null)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new CliException($"{path}: no such key file");
        }

        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }

    private static DateTimeOffset? Day(string? text, string option) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            : throw new CliException($"{option}: '{text}' is not a day (YYYY-MM-DD)");
}
