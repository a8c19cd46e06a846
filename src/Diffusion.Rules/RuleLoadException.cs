namespace Diffusion.Rules;

/// <summary>One problem in a rule file.</summary>
/// <param name="File">The file, as "rules/aid-2025/classification.json".</param>
/// <param name="Field">The JSON path of the field, as "$.a1.tpp.value" ("$" for the file as a whole).</param>
/// <param name="Problem">What is wrong, e.g. "must be >= 0, was -1".</param>
public sealed record RuleProblem(string File, string Field, string Problem)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}: {Field}: {Problem}";
}

/// <summary>
/// Rule data could not be loaded. The message names, for every problem found, the file, the field (JSON path) and the
/// problem; a service that gets this at start stops with that message.
/// </summary>
public sealed class RuleLoadException : Exception
{
    /// <summary>Creates the exception from the problems found (at least one).</summary>
    public RuleLoadException(IReadOnlyList<RuleProblem> problems, Exception? innerException = null)
        : base(Format(problems), innerException)
    {
        ArgumentOutOfRangeException.ThrowIfZero(problems.Count);
        Problems = problems;
    }

    /// <summary>Every problem found (loading stops at the first file that has any).</summary>
    public IReadOnlyList<RuleProblem> Problems { get; }

    /// <summary>The first problem's file.</summary>
    public string File => Problems[0].File;

    /// <summary>The first problem's field (JSON path).</summary>
    public string Field => Problems[0].Field;

    /// <summary>The first problem's description.</summary>
    public string Problem => Problems[0].Problem;

    private static string Format(IReadOnlyList<RuleProblem> problems) => problems.Count == 1
        ? $"Invalid rule data: {problems[0]}"
        : $"Invalid rule data ({problems.Count} problems):{Environment.NewLine}  "
          + string.Join(Environment.NewLine + "  ", problems);
}
