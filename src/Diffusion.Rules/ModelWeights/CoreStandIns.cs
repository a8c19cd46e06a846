namespace Diffusion.Rules.ModelWeights;

// Stand-ins for the rules core (Cited values, reasons, tiers) until it lands on main; replaced on rebase.

/// <summary>A rule-data value with its regulatory source and how sure the data is.</summary>
public sealed record Cited<T>(T Value, string Citation, string Confidence);

/// <summary>One finding behind an answer: code, message with the numbers compared, citation, confidence.</summary>
public sealed record Reason(string Code, string Message, string Citation, string Confidence);

/// <summary>The three destination tiers of the AI Diffusion framework.</summary>
public enum Tier
{
    Tier1 = 1,
    Tier2 = 2,
    Tier3 = 3,
}
