using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffusion.Rules;

/// <summary>How sure the rule data is about a value (the tags rules/README.md defines).</summary>
[JsonConverter(typeof(ConfidenceJsonConverter))]
public enum Confidence
{
    /// <summary>[R] regulatory text (eCFR or Federal Register copy).</summary>
    Regulatory,

    /// <summary>[R-abs] the Federal Register's own abstract of a rule (the rule's text not read).</summary>
    RegulatoryAbstract,

    /// <summary>[G] official statement (BIS, White House).</summary>
    Government,

    /// <summary>[S] secondary source (law firm, think tank, press).</summary>
    Secondary,

    /// <summary>[C] arithmetic from the above.</summary>
    Computed,

    /// <summary>[?] not verified.</summary>
    Unverified,
}

/// <summary>Conversions between <see cref="Confidence"/> and its one-character tag.</summary>
public static class ConfidenceTags
{
    /// <summary>The tags accepted in rule files, from surest to least sure: R, R-abs, G, S, C, ?.</summary>
    public static readonly IReadOnlyList<string> All = ["R", "R-abs", "G", "S", "C", "?"];

    /// <summary>The tag written in rule files and carried in <c>Reason.confidence</c>, e.g. "R".</summary>
    public static string ToTag(this Confidence confidence) => confidence switch
    {
        Confidence.Regulatory => "R",
        Confidence.RegulatoryAbstract => "R-abs",
        Confidence.Government => "G",
        Confidence.Secondary => "S",
        Confidence.Computed => "C",
        Confidence.Unverified => "?",
        _ => throw new ArgumentOutOfRangeException(nameof(confidence), confidence, null),
    };

    /// <summary>Parses a tag; null when it is not one of R, R-abs, G, S, C, ?.</summary>
    public static Confidence? TryParse(string? tag) => tag switch
    {
        "R" => Confidence.Regulatory,
        "R-abs" => Confidence.RegulatoryAbstract,
        "G" => Confidence.Government,
        "S" => Confidence.Secondary,
        "C" => Confidence.Computed,
        "?" => Confidence.Unverified,
        _ => null,
    };

    /// <summary>The weaker of two confidences (a conclusion is only as sure as its least sure input).</summary>
    public static Confidence Weakest(Confidence a, Confidence b) => (Confidence)Math.Max((int)a, (int)b);
}

internal sealed class ConfidenceJsonConverter : JsonConverter<Confidence>
{
    public override Confidence Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var tag = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return ConfidenceTags.TryParse(tag)
            ?? throw new JsonException($"unknown confidence tag '{tag ?? reader.TokenType.ToString()}' (expected one of R, R-abs, G, S, C, ?)");
    }

    public override void Write(Utf8JsonWriter writer, Confidence value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToTag());
}

/// <summary>
/// A value taken from the regulation, with where it comes from and how sure the rule data is about it. Every
/// regulatory number in a rule file has this shape:
/// <code>{ "value": 4800, "citation": "15 CFR 774 Supp. 1, ECCN 3A090.a.1", "confidence": "R", "note": "optional" }</code>
/// Findings quote <see cref="Citation"/> and <see cref="Confidence"/> so an answer shows its source.
/// </summary>
/// <typeparam name="T">The value's type, e.g. <see cref="decimal"/> for thresholds, a list of strings for country lists.</typeparam>
public sealed record Cited<T>
{
    /// <summary>The value itself.</summary>
    public required T Value { get; init; }

    /// <summary>The regulatory source, e.g. "15 CFR 774 Supp. 1, ECCN 3A090.a.1".</summary>
    public required string Citation { get; init; }

    /// <summary>How sure the rule data is about <see cref="Value"/>.</summary>
    public required Confidence Confidence { get; init; }

    /// <summary>Optional remark for a reader (why [S] or [?], what is uncertain).</summary>
    public string? Note { get; init; }

    /// <summary>A finding that quotes this value's source.</summary>
    public Reason Reason(string code, string message) => new(code, message, Citation, Confidence);
}
