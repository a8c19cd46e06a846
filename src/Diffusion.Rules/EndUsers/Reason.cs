namespace Diffusion.Rules.EndUsers;

/// <summary>One finding behind an answer, citing the paragraph and how sure the rule data is.</summary>
/// <param name="Code">Stable machine-readable code, e.g. "UVEU.TIER1_SHARE".</param>
/// <param name="Message">Human-readable explanation with the numbers compared.</param>
/// <param name="Citation">The regulatory source.</param>
/// <param name="Confidence">"R", "G", "S", "C" or "?".</param>
public sealed record Reason(string Code, string Message, string Citation, string Confidence);
