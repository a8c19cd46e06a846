using System.Text.RegularExpressions;

namespace Diffusion.AppHost.Tests;

/// <summary>The README's walk of one order names at most six files, and each is where it says.</summary>
public sealed partial class ReadmeTests
{
    [Fact]
    public void OneOrderEndToEnd_AtMostSixFiles_EachWhereTheReadmeSays()
    {
        var root = Repository.Root();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var start = readme.IndexOf("## One order, end to end", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no section '## One order, end to end'");
        var end = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];

        var files = Step().Matches(section).Select(m => m.Groups[1].Value).ToList();

        Assert.InRange(files.Count, 1, 6);
        Assert.All(files, file => Assert.True(File.Exists(Path.Combine(root, file)), $"README names {file}, which does not exist"));
    }

    // A numbered step: "1. `src/Diffusion.Cli/Commands/DecideCommand.cs`: ..."
    [GeneratedRegex(@"^\d+\. `([^`]+\.cs)`", RegexOptions.Multiline)]
    private static partial Regex Step();
}
