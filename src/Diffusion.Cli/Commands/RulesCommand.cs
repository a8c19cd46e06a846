using System.CommandLine;
using System.Globalization;
using Diffusion.Cli.Rendering;
using Diffusion.Decisions.V1;
using Google.Protobuf.WellKnownTypes;

namespace Diffusion.Cli.Commands;

/// <summary>
/// <c>diffusion rules show aid-2026 --as-of 2026-02-03</c>: what the Decisions service decides that day under a rule
/// set: its period, status and enforcement posture, the Country Group memberships in force, each cited, and the
/// effective data of each rule family (the set's own keys over those it inherits; <c>--family</c> picks one).
/// </summary>
internal static class RulesCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Argument<string?>("id") { Description = "Rule set id, e.g. aid-2026 (default: the one in force on --as-of under the service's settings)", Arity = ArgumentArity.ZeroOrOne };
        var asOf = new Option<string?>("--as-of") { Description = "The day to show, YYYY-MM-DD (default: today)" };
        var family = new Option<string?>("--family") { Description = "Show only this rule family's effective data (e.g. classification); 'none' shows none" };
        var show = new Command("show", "Show a rule set's country groups, statuses and effective rule data on a day, each with its citation and confidence") { id, asOf, family };
        show.SetAction(async (parse, cancellationToken) =>
        {
            var request = new DescribeRulesRequest { RuleSet = parse.GetValue(id) ?? "" };
            if (parse.GetValue(asOf) is { } text)
            {
                var day = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                    ? d
                    : throw new CliException($"--as-of: '{text}' is not a day (YYYY-MM-DD)");
                request.AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
            }

            var client = new DecisionService.DecisionServiceClient(context.Channel("decisions", parse));
            var response = await client.DescribeRulesAsync(request, CliContext.Call(parse, cancellationToken));
            if (parse.GetValue(family) is { } only)
            {
                var kept = response.Families.Where(f => f.Name == only).ToList();
                if (kept.Count == 0 && only != "none")
                {
                    throw new CliException($"--family: '{only}' is not a family of {response.RuleSet} (it has: {string.Join(", ", response.Families.Select(f => f.Name))})");
                }

                response.Families.Clear();
                response.Families.AddRange(kept);
            }

            context.Show(parse, response, () => Views.Rules(response));
            return 0;
        });
        return new Command("rules", "The rule data the services decide with") { show };
    }
}
