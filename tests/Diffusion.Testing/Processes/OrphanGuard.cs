using System.Diagnostics;

namespace Diffusion.Testing.Processes;

/// <summary>
/// Cleans up after a test process that dies without disposing its servers (a test host killed by the runner never
/// runs its exit handlers): a detached shell polls this process's pid once a second and, when it is gone, runs the
/// cleanup command (stop the server, remove its directory).
/// </summary>
public static class OrphanGuard
{
    /// <summary>Starts the watcher; <paramref name="cleanup"/> is a POSIX shell command.</summary>
    public static void Watch(string cleanup)
    {
        var info = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {cleanup}");
        using var watcher = Process.Start(info);
    }

    /// <summary>Quotes a path for the shell.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
