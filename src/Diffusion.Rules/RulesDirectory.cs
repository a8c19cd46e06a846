namespace Diffusion.Rules;

/// <summary>Finds the rules directory: configuration, then the environment, then the nearest <c>rules/</c> folder above the program.</summary>
public static class RulesDirectory
{
    /// <summary>The environment variable naming the rules directory.</summary>
    public const string EnvironmentVariable = "DIFFUSION_RULES_DIR";

    /// <summary>
    /// The rules directory: <paramref name="configured"/> (configuration key <c>Rules:Directory</c>) if set, else the
    /// environment variable <c>DIFFUSION_RULES_DIR</c>, else walking up from <see cref="AppContext.BaseDirectory"/> to
    /// the first folder containing a <c>rules/</c> folder that holds at least one <c>*/ruleset.json</c>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">Nothing found; the message says where it looked.</exception>
    public static string Locate(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Existing(Path.GetFullPath(configured), "configuration Rules:Directory");
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return Existing(Path.GetFullPath(fromEnvironment), $"environment {EnvironmentVariable}");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "rules");
            if (Directory.Exists(candidate)
                && Directory.EnumerateDirectories(candidate).Any(d => File.Exists(Path.Combine(d, "ruleset.json"))))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"No rules directory: set Rules:Directory or {EnvironmentVariable}, or run below a folder containing rules/ " +
            $"(searched up from {AppContext.BaseDirectory}).");
    }

    private static string Existing(string path, string source) => Directory.Exists(path)
        ? path
        : throw new DirectoryNotFoundException($"The rules directory '{path}' (from {source}) does not exist.");
}
