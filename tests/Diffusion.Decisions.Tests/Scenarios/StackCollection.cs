namespace Diffusion.Decisions.Tests.Scenarios;

/// <summary>The scenario tests share one <see cref="DiffusionStack"/> (xunit wants the definition in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<DiffusionStack>
{
    public const string Name = "diffusion stack";
}
