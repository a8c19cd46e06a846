using System.Globalization;
using Diffusion.Cli.Rendering;
using Diffusion.Decisions.V1;
using Spectre.Console;

namespace Diffusion.Cli.Commands;

/// <summary>
/// What a batch came to, counted as answers arrive: orders, TPP and reserved TPP per decision headline, and the
/// errors (the first <see cref="ErrorsShown"/> kept to show; all counted), so its memory does not grow with the batch.
/// </summary>
internal sealed class BatchTally
{
    public const int ErrorsShown = 20;

    private readonly Dictionary<string, Row> rows = new(StringComparer.Ordinal);
    private readonly List<BatchAnswer> errors = [];

    public int Orders { get; private set; }

    public int Errors { get; private set; }

    public void Add(BatchAnswer answer)
    {
        Orders++;
        if (answer.Answer?.Decision is not { } decision)
        {
            Errors++;
            if (errors.Count < ErrorsShown)
            {
                errors.Add(answer);
            }

            return;
        }

        var headline = Views.Headline(decision);
        if (!rows.TryGetValue(headline, out var row))
        {
            rows[headline] = row = new Row(decision.Outcome);
        }

        row.Orders++;
        row.Tpp += decision.TotalTpp;
        if (decision.ReservationId.Length > 0)
        {
            row.Reserved += decision.Draws.Sum(d => d.Tpp);
        }
    }

    public Table Summary(TimeSpan elapsed)
    {
        var table = new Table()
            .Title(string.Create(CultureInfo.InvariantCulture, $"{Orders} orders in {elapsed.TotalSeconds:0.0} s"))
            .AddColumn("decision").AddColumn(new TableColumn("orders").RightAligned())
            .AddColumn(new TableColumn("TPP").RightAligned()).AddColumn(new TableColumn("reserved TPP").RightAligned());
        foreach (var (headline, row) in rows.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            table.AddRow(
                $"[{Views.OutcomeColor(row.Outcome)}]{Markup.Escape(headline)}[/]",
                row.Orders.ToString(CultureInfo.InvariantCulture),
                Views.Tpp(row.Tpp),
                Views.Tpp(row.Reserved));
        }

        foreach (var failure in errors)
        {
            table.AddRow($"[red]error[/] {Markup.Escape(failure.OrderId)} (line {failure.Line.LineNumber})", "1", "", Markup.Escape(failure.Error ?? ""));
        }

        if (Errors > errors.Count)
        {
            table.AddRow(string.Create(CultureInfo.InvariantCulture, $"[red]errors not shown[/]"), (Errors - errors.Count).ToString(CultureInfo.InvariantCulture), "", "rerun with --json to see each");
        }

        return table;
    }

    private sealed class Row(DecisionOutcome outcome)
    {
        public DecisionOutcome Outcome { get; } = outcome;

        public int Orders { get; set; }

        public double Tpp { get; set; }

        public long Reserved { get; set; }
    }
}
