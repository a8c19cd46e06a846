namespace Diffusion.Rules.Tests;

/// <summary>The repository's rules, and scratch copies of them to break on purpose.</summary>
internal static class TestRules
{
    public static string Directory { get; } = RulesDirectory.Locate();

    private static readonly Lazy<RuleSetRegistry> Enforced = new(() => RuleSetLoader.Load(Directory!));

    public static RuleSetRegistry Registry => Enforced.Value;

    public static RuleSetRegistry Load(RuleOptions options) => RuleSetLoader.Load(Directory, options);
}
