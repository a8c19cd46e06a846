namespace Diffusion.Rules;

/// <summary>
/// One finding behind an answer: what was tested, what it found, and which rule paragraph says so
/// (mapped one to one onto <c>diffusion.common.v1.Reason</c>).
/// </summary>
/// <param name="Code">Stable machine-readable code, e.g. "3A090.A.1".</param>
/// <param name="Message">Human-readable explanation with the numbers that were compared.</param>
/// <param name="Citation">The regulatory source, e.g. "15 CFR 774 Supp. 1, ECCN 3A090.a.1".</param>
/// <param name="Confidence">How sure the rule data behind the finding is.</param>
public sealed record Reason(string Code, string Message, string Citation, Confidence Confidence);
