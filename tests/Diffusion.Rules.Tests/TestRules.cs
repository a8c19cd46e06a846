using System.Text.Json.Nodes;

namespace Diffusion.Rules.Tests;

/// <summary>The repository's rules, and scratch copies of them to break on purpose.</summary>
internal static class TestRules
{
    public static string Directory { get; } = RulesDirectory.Locate();

    private static readonly Lazy<RuleSetRegistry> Enforced = new(() => RuleSetLoader.Load(Directory!));

    public static RuleSetRegistry Registry => Enforced.Value;

    public static RuleSetRegistry Load(RuleOptions options) => RuleSetLoader.Load(Directory, options);
}

/// <summary>A copy of the repository's rules in a temporary folder named "rules", deleted on dispose.</summary>
internal sealed class ScratchRules : IDisposable
{
    private readonly string _parent = Path.Combine(Path.GetTempPath(), "diffusion-rules-" + Guid.NewGuid().ToString("N"));

    public ScratchRules()
    {
        Root = Path.Combine(_parent, "rules");
        foreach (var file in System.IO.Directory.EnumerateFiles(TestRules.Directory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Root, Path.GetRelativePath(TestRules.Directory, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Root { get; }

    /// <summary>Edits one file as a JSON tree.</summary>
    public void Edit(string relativePath, Action<JsonObject> edit)
    {
        var path = Path.Combine(Root, relativePath);
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    public void Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public RuleLoadException LoadFails() => Assert.Throws<RuleLoadException>(() => RuleSetLoader.Load(Root));

    public RuleSetRegistry Load() => RuleSetLoader.Load(Root);

    public void Dispose() => System.IO.Directory.Delete(_parent, recursive: true);
}
