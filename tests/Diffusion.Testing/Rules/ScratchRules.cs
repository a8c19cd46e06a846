using System.Text.Json.Nodes;
using Diffusion.Rules;

namespace Diffusion.Testing.Rules;

/// <summary>A copy of the repository's rules in a temporary folder named "rules", to break on purpose; deleted on dispose.</summary>
public sealed class ScratchRules : IDisposable
{
    private readonly string _parent = Path.Combine(Path.GetTempPath(), "diffusion-rules-" + Guid.NewGuid().ToString("N"));

    /// <summary>Copies every file of the repository's rules directory.</summary>
    public ScratchRules()
    {
        var source = RulesDirectory.Locate();
        Root = Path.Combine(_parent, "rules");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Root, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>The copy's rules directory.</summary>
    public string Root { get; }

    /// <summary>Edits one file as a JSON tree.</summary>
    public void Edit(string relativePath, Action<JsonObject> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var path = Path.Combine(Root, relativePath);
        // Rule files may hold comments (aid-2025's say what they inherit).
        var node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    /// <summary>Edits one file as text.</summary>
    public void Replace(string relativePath, Func<string, string> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var path = Path.Combine(Root, relativePath);
        File.WriteAllText(path, edit(File.ReadAllText(path)));
    }

    /// <summary>
    /// Replaces <paramref name="find"/> in one file, which must hold it: a test that broke text the file no longer has
    /// would load the shipped data and pass or fail for the wrong reason.
    /// </summary>
    public void Replace(string relativePath, string find, string replace) =>
        Replace(relativePath, text =>
        {
            Assert.Contains(find, text, StringComparison.Ordinal);
            return text.Replace(find, replace, StringComparison.Ordinal);
        });

    /// <summary>Writes one file (its folder created if needed).</summary>
    public void Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Loading the copy must fail; the failure.</summary>
    public RuleLoadException LoadFails(RuleOptions? options = null) => Assert.Throws<RuleLoadException>(() => RuleSetLoader.Load(Root, options));

    /// <summary>Loads the copy.</summary>
    public RuleSetRegistry Load(RuleOptions? options = null) => RuleSetLoader.Load(Root, options);

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_parent, recursive: true);
}
