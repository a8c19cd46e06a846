using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Diffusion.Rules;

/// <summary>
/// Collects the problems a rule family finds in itself (<see cref="IRuleFamily.Validate"/>). Fields are named by JSON
/// path; the helpers derive it from the C# expression they are given (<c>A1.Tpp</c> becomes <c>$.a1.tpp.value</c>, the
/// same snake_case names the file uses), or take an explicit path through <see cref="Report"/>.
/// </summary>
public sealed partial class RuleValidationContext
{
    private readonly List<RuleProblem> _problems = [];

    /// <summary>Creates a context for one file.</summary>
    /// <param name="file">The file as shown in messages, e.g. "rules/aid-2025/tiers.json".</param>
    public RuleValidationContext(string file) => File = file;

    /// <summary>The file being validated, as shown in messages.</summary>
    public string File { get; }

    /// <summary>The problems reported so far.</summary>
    public IReadOnlyList<RuleProblem> Problems => _problems;

    /// <summary>Reports a problem at an explicit JSON path (e.g. "$.tier1.value[3]").</summary>
    public void Report(string field, string problem) => _problems.Add(new RuleProblem(File, field, problem));

    /// <summary>Reports <paramref name="problem"/> at <paramref name="field"/> unless <paramref name="condition"/> holds.</summary>
    public void Require(bool condition, string field, string problem)
    {
        if (!condition)
        {
            Report(field, problem);
        }
    }

    /// <summary>The value must be &gt; 0.</summary>
    public void Positive(Cited<decimal> value, [CallerArgumentExpression(nameof(value))] string expression = "")
        => Require(value.Value > 0, PathOf(expression) + ".value", $"must be > 0, was {value.Value}");

    /// <summary>The value must be &gt;= 0.</summary>
    public void NonNegative(Cited<decimal> value, [CallerArgumentExpression(nameof(value))] string expression = "")
        => Require(value.Value >= 0, PathOf(expression) + ".value", $"must be >= 0, was {value.Value}");

    /// <summary><paramref name="low"/> must be strictly below <paramref name="high"/> (a range [low, high)).</summary>
    public void Below(
        Cited<decimal> low,
        Cited<decimal> high,
        [CallerArgumentExpression(nameof(low))] string lowExpression = "",
        [CallerArgumentExpression(nameof(high))] string highExpression = "")
        => Require(low.Value < high.Value, PathOf(lowExpression) + ".value",
            $"must be below {PathOf(highExpression)}.value ({high.Value}), was {low.Value}");

    /// <summary>The text must not be empty or white space.</summary>
    public void NotBlank(string? text, [CallerArgumentExpression(nameof(text))] string expression = "")
        => Require(!string.IsNullOrWhiteSpace(text), PathOf(expression), "must not be empty");

    /// <summary>Every citation must say where the value comes from.</summary>
    public void HasCitation<T>(Cited<T> value, [CallerArgumentExpression(nameof(value))] string expression = "")
        => Require(!string.IsNullOrWhiteSpace(value.Citation), PathOf(expression) + ".citation", "must not be empty");

    /// <summary>An officially assigned ISO 3166-1 alpha-2 code (rules/iso-3166-1.json), upper case.</summary>
    public static bool IsCountryCode(string? code) => Countries.Iso3166.IsAssigned(code);

    /// <summary>Each entry must be an ISO 3166-1 alpha-2 code, with no duplicates.</summary>
    public void CountryCodes(IReadOnlyList<string> codes, string field)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < codes.Count; i++)
        {
            if (!IsCountryCode(codes[i]))
            {
                Report($"{field}[{i}]", $"'{codes[i]}' is not an assigned ISO 3166-1 alpha-2 code");
            }
            else if (!seen.Add(codes[i]))
            {
                Report($"{field}[{i}]", $"duplicate country '{codes[i]}'");
            }
        }
    }

    /// <summary>
    /// The JSON path of a C# member-access expression, in the files' snake_case: "A1.Tpp" → "$.a1.tpp",
    /// "Groups[\"D:5\"]" is not supported (use <see cref="Report"/> with an explicit path).
    /// </summary>
    public static string PathOf(string expression)
    {
        var parts = expression.Split('.', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p != "this")
            .Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Trim()));
        return "$." + string.Join('.', parts);
    }
}
