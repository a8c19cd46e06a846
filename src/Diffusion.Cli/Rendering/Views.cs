using System.Globalization;
using Diffusion.Classification.V1;
using Diffusion.Common.V1;
using Diffusion.Decisions.V1;
using Diffusion.Quota.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Diffusion.Cli.Rendering;

/// <summary>Human-readable views of the services' answers.</summary>
internal static class Views
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string OutcomeText(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.NoLicenseRequired => "no licence required",
        DecisionOutcome.LicenseException => "licence exception",
        DecisionOutcome.UnderLicense => "authorised under licence",
        DecisionOutcome.LicenseRequired => "licence required",
        DecisionOutcome.PresumptionOfDenial => "presumption of denial",
        DecisionOutcome.HeldForReview => "held for review",
        _ => "unspecified",
    };

    public static string OutcomeColor(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.NoLicenseRequired => "green",
        DecisionOutcome.LicenseException => "green",
        DecisionOutcome.UnderLicense => "green",
        DecisionOutcome.LicenseRequired => "yellow",
        DecisionOutcome.PresumptionOfDenial => "red",
        DecisionOutcome.HeldForReview => "yellow",
        _ => "grey",
    };

    /// <summary>"licence exception LPP", "authorised under licence D123", "licence required (case-by-case, with conditions)".</summary>
    public static string Headline(DecideResponse decision)
    {
        var text = OutcomeText(decision.Outcome);
        if (decision.LicenseException.Length > 0)
        {
            text += " " + decision.LicenseException;
        }

        if (decision.Outcome == DecisionOutcome.UnderLicense)
        {
            text += " " + string.Join(", ", decision.Licences);
        }

        if (decision.ReviewPolicy.Length > 0 && decision.Outcome != DecisionOutcome.PresumptionOfDenial)
        {
            text += $" ({decision.ReviewPolicy})";
        }

        return text;
    }

    public static string Tpp(double tpp) => tpp.ToString("#,0.##", Invariant);

    public static string Tpp(long tpp) => tpp.ToString("#,0", Invariant);

    /// <summary>The whole decision: headline, lines, draws and every reason.</summary>
    public static IRenderable Decision(DecideResponse decision)
    {
        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow("[bold]order[/]", Markup.Escape(decision.OrderId.Length > 0 ? decision.OrderId : "(no id)"));
        summary.AddRow("[bold]decision[/]", $"[bold {OutcomeColor(decision.Outcome)}]{Markup.Escape(Headline(decision))}[/]");
        summary.AddRow("[bold]rule set[/]", Markup.Escape(decision.RuleSet));
        summary.AddRow("[bold]total[/]", $"{Tpp(decision.TotalTpp)} TPP = {decision.H100Equivalents.ToString("#,0.##", Invariant)} H100-equivalents");
        if (decision.ReservationId.Length > 0)
        {
            var expires = decision.ReservationExpiresAt is null ? "" : $", pending until {decision.ReservationExpiresAt.ToDateTimeOffset():yyyy-MM-dd HH:mm:ss}Z";
            summary.AddRow("[bold]reservation[/]", Markup.Escape(decision.ReservationId + expires));
        }
        else if (decision.Draws.Count > 0)
        {
            summary.AddRow("[bold]reservation[/]", "none (dry run)");
        }

        if (decision.NoLicenseBasis.Length > 0)
        {
            summary.AddRow("[bold]basis[/]", Markup.Escape(decision.NoLicenseBasis));
        }

        foreach (var question in decision.Questions)
        {
            summary.AddRow("[bold yellow]to resolve[/]", Markup.Escape($"{question.Message} ({question.Citation})"));
        }

        if (!decision.AllocationAvailable)
        {
            summary.AddRow("[bold]allocation[/]", "[red]not available for this order[/]");
        }

        var rows = new List<IRenderable> { new Panel(summary).Header("decision").Expand() };
        rows.Add(Items(decision));
        if (decision.Draws.Count > 0)
        {
            var draws = new Table().Title("draws").AddColumn("bucket").AddColumn(new TableColumn("TPP").RightAligned());
            foreach (var draw in decision.Draws)
            {
                draws.AddRow(Markup.Escape(draw.BucketId), Tpp(draw.Tpp));
            }

            rows.Add(draws);
        }

        rows.Add(Reasons(decision.Reasons));
        return new Rows(rows);
    }

    public static Table Items(DecideResponse decision)
    {
        var table = new Table().Title("items")
            .AddColumn("#").AddColumn("item").AddColumn("ECCN").AddColumn(new TableColumn("qty").RightAligned())
            .AddColumn(new TableColumn("TPP each").RightAligned()).AddColumn("needs");
        foreach (var item in decision.Items)
        {
            var needs = OutcomeText(item.Outcome)
                + (item.LicenseException.Length > 0 ? " " + item.LicenseException : "")
                + (item.Licence.Length > 0 ? " " + item.Licence : "")
                + (item.ReviewPolicy.Length > 0 ? $" ({item.ReviewPolicy})" : "");
            table.AddRow(
                item.Index.ToString(Invariant),
                Markup.Escape(item.Description),
                Markup.Escape(item.Eccn.Length > 0 ? item.Eccn : "-"),
                item.Quantity.ToString(Invariant),
                Tpp(item.TppEach),
                $"[{OutcomeColor(item.Outcome)}]{Markup.Escape(needs)}[/]");
        }

        return table;
    }

    public static Table Reasons(IEnumerable<Reason> reasons)
    {
        var table = new Table().Title("reasons").AddColumn("code").AddColumn("finding").AddColumn("citation").AddColumn("conf.");
        foreach (var reason in reasons)
        {
            table.AddRow(Markup.Escape(reason.Code), Markup.Escape(reason.Message), Markup.Escape(reason.Citation), Markup.Escape(reason.Confidence));
        }

        return table;
    }

    public static IRenderable Classification(ClassifyResponse response)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("[bold]item[/]", Markup.Escape(response.ItemName));
        grid.AddRow("[bold]ECCN[/]", response.Eccn.Length > 0 ? $"[bold yellow]{Markup.Escape(response.Eccn)}[/] ({Markup.Escape(response.Paragraph)})" : "[green]outside 3A090[/]");
        if (response.MemoryBandwidthDensity > 0)
        {
            grid.AddRow("[bold]bandwidth density[/]", response.MemoryBandwidthDensity.ToString("0.###", Invariant) + " GB/s/mm2");
        }
        else
        {
            grid.AddRow("[bold]TPP[/]", Tpp(response.Tpp));
            grid.AddRow("[bold]performance density[/]", response.PerformanceDensity.ToString("0.###", Invariant));
            grid.AddRow("[bold]H100-equivalents[/]", response.H100Equivalents.ToString("0.###", Invariant));
            grid.AddRow("[bold]datacenter[/]", response.Datacenter ? "yes" : "no");
        }

        grid.AddRow("[bold]licence exceptions[/]", Markup.Escape(response.LicenseExceptions.Count > 0 ? string.Join(", ", response.LicenseExceptions) : "none"));
        grid.AddRow("[bold]rule set[/]", Markup.Escape(response.RuleSet));
        return new Rows(new Panel(grid).Header("classification").Expand(), Reasons(response.Reasons));
    }

    /// <summary>The same order under several rule sets, side by side.</summary>
    public static IRenderable WhatIf(WhatIfResponse response)
    {
        var table = new Table().Title("what if").AddColumn("");
        foreach (var decision in response.Decisions)
        {
            table.AddColumn(Markup.Escape(decision.RuleSet));
        }

        void Row(string label, Func<DecideResponse, string> cell) =>
            table.AddRow([new Markup($"[bold]{label}[/]"), .. response.Decisions.Select(d => (IRenderable)new Markup(cell(d)))]);

        Row("decision", d => $"[{OutcomeColor(d.Outcome)}]{Markup.Escape(OutcomeText(d.Outcome))}[/]");
        Row("exception", d => Markup.Escape(d.LicenseException.Length > 0 ? d.LicenseException : "-"));
        Row("review policy", d => Markup.Escape(d.ReviewPolicy.Length > 0 ? d.ReviewPolicy : "-"));
        Row("would draw", d => Markup.Escape(d.Draws.Count > 0 ? string.Join("\n", d.Draws.Select(x => $"{x.BucketId}: {Tpp(x.Tpp)}")) : "-"));
        Row("allocation", d => d.AllocationAvailable ? "available" : "[red]not available[/]");
        Row("findings", d => Markup.Escape(string.Join("\n", d.Reasons.Select(r => r.Code).Distinct())));
        return table;
    }

    /// <summary>A rule set on a day: its statuses, then each Country Group's members, every row cited.</summary>
    public static IRenderable Rules(DescribeRulesResponse response)
    {
        var header = new Grid().AddColumn().AddColumn();
        header.AddRow("[bold]rule set[/]", Markup.Escape($"{response.RuleSet}: {response.Title}"));
        header.AddRow("[bold]as of[/]", Markup.Escape(response.AsOf));
        header.AddRow("[bold]citation[/]", Markup.Escape(response.Citation));
        var statuses = new Table().Title("statuses").AddColumn("what").AddColumn("value").AddColumn("citation").AddColumn("conf.");
        foreach (var fact in response.Statuses)
        {
            var value = Markup.Escape(fact.Value) + (fact.Note.Length > 0 ? $"\n[grey]{Markup.Escape(fact.Note)}[/]" : "");
            statuses.AddRow(Markup.Escape(fact.Name), value, Markup.Escape(fact.Citation), Markup.Escape(fact.Confidence));
        }

        var groups = new Table().Title($"country groups on {Markup.Escape(response.AsOf)}").AddColumn("group").AddColumn("members").AddColumn("since/until").AddColumn("citation").AddColumn("conf.");
        foreach (var group in response.CountryGroups)
        {
            var rows = group.Members.GroupBy(m => (m.Period, m.Citation, m.Confidence)).ToList();
            if (rows.Count == 0)
            {
                groups.AddRow(Markup.Escape(group.Name), "[grey]none[/]", "", "", "");
            }

            foreach (var row in rows)
            {
                groups.AddRow(
                    Markup.Escape(group.Name),
                    Markup.Escape(string.Join(" ", row.Select(m => m.Country))),
                    Markup.Escape(row.Key.Period),
                    Markup.Escape(row.Key.Citation),
                    Markup.Escape(row.Key.Confidence));
            }
        }

        var families = response.Families.Select(f => (IRenderable)new Panel(new Text(f.Json))
            .Header(Markup.Escape($"{f.Name}: {string.Join(" + ", f.Files)}"))
            .Expand());
        return new Rows([new Panel(header).Header("rules").Expand(), statuses, groups, .. families]);
    }

    public static Table Balances(IEnumerable<Balance> balances, string title)
    {
        var table = new Table().Title(title)
            .AddColumn(new TableColumn("bucket").NoWrap()).AddColumn(new TableColumn("cap").RightAligned().NoWrap())
            .AddColumn(new TableColumn("committed").RightAligned().NoWrap()).AddColumn(new TableColumn("pending").RightAligned().NoWrap())
            .AddColumn(new TableColumn("available").RightAligned().NoWrap()).AddColumn(new TableColumn("used").RightAligned().NoWrap())
            .AddColumn(new TableColumn("").NoWrap());
        foreach (var b in balances)
        {
            var used = b.Cap <= 0 ? 0 : (double)(b.Committed + b.Pending) / b.Cap;
            table.AddRow(
                Markup.Escape(b.BucketId), Tpp(b.Cap), Tpp(b.Committed), Tpp(b.Pending), Tpp(b.Available),
                used.ToString("0.0%", Invariant), Bar(used, 10));
        }

        return table;
    }

    /// <summary>A text bar of <paramref name="width"/> cells, green to red as it fills.</summary>
    public static string Bar(double fraction, int width)
    {
        var clamped = Math.Clamp(fraction, 0, 1);
        var filled = (int)Math.Round(clamped * width, MidpointRounding.AwayFromZero);
        var color = clamped >= 0.9 ? "red" : clamped >= 0.6 ? "yellow" : "green";
        return $"[{color}]{new string('█', filled)}[/][grey]{new string('░', width - filled)}[/]";
    }
}
