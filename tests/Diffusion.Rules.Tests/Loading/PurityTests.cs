namespace Diffusion.Rules.Tests.Loading;

public sealed class PurityTests
{
    // The regulation must be usable from a plain console or test: Diffusion.Rules references the base library only;
    // its DI registration and start-up validation live in Diffusion.Rules.Hosting.
    [Fact]
    public void RulesAssembly_ReferencesOnlyTheBaseLibrary()
    {
        var references = typeof(RuleSet).Assembly.GetReferencedAssemblies().Select(a => a.Name!).Order().ToList();

        Assert.All(references, name => Assert.True(
            name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib",
            $"Diffusion.Rules references {name}"));
    }
}
