using System.Diagnostics;

namespace Diffusion.AppHost.Orchestration;

/// <summary>What to run.</summary>
/// <param name="FileName">Program.</param>
/// <param name="Arguments">Arguments.</param>
/// <param name="WorkingDirectory">Working directory.</param>
/// <param name="Environment">Variables added to (or replacing those of) the AppHost's environment.</param>
/// <param name="RunAsUser">When not null and the AppHost runs as root: run as this unprivileged user (setpriv).</param>
internal sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    string? RunAsUser = null);

/// <summary>
/// A child process in its own session and process group (<c>setsid</c> execs the program, so the pid is also the
/// group id), with stdout/stderr captured line by line.
/// </summary>
internal sealed class ManagedProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ManagedProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Process id, also its process group id.</summary>
    public int Id { get; private set; }

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Starts the process; <paramref name="onLine"/> receives each output line (isError for stderr).</summary>
    public static ManagedProcess Start(ProcessSpec spec, Action<string, bool> onLine)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var info = new ProcessStartInfo("/usr/bin/setsid")
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,   // a child never reads the AppHost's terminal
            UseShellExecute = false,
        };
        if (spec.RunAsUser is not null && Environment.UserName == "root")
        {
            // setpriv execs too (runuser would fork and stay in between): the pid stays the program's pid.
            foreach (var argument in new[] { "/usr/bin/setpriv", $"--reuid={spec.RunAsUser}", $"--regid={spec.RunAsUser}", "--init-groups", "--" })
            {
                info.ArgumentList.Add(argument);
            }
        }
        info.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var managed = new ManagedProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(e.Data, false);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(e.Data, true);
            }
        };
        process.Exited += (_, _) => managed._exited.TrySetResult(SafeExitCode(process));
        process.Start();
        managed.Id = process.Id;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited)
        {
            managed._exited.TrySetResult(SafeExitCode(process));
        }
        return managed;
    }

    /// <summary>Stops the whole group (see <see cref="ProcessGroups.StopAsync"/>); returns the ids left alive.</summary>
    public async Task<IReadOnlyList<int>> StopAsync(int signal, TimeSpan grace, bool leaderOnly = false)
    {
        var left = await ProcessGroups.StopAsync(Id, signal, grace, leaderOnly).ConfigureAwait(false);
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        return left;
    }

    public void Dispose() => _process.Dispose();

    private static int SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }
}
