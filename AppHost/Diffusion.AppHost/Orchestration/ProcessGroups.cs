using System.Globalization;
using System.Runtime.InteropServices;

namespace Diffusion.AppHost.Orchestration;

/// <summary>
/// POSIX process groups. Every process the AppHost starts is the leader of its own session and group (started through
/// setsid), so one signal to the group reaches the process and everything it spawned (postgres backends, shells'
/// children), and a terminal's Ctrl+C reaches only the AppHost, which then stops the rest in order.
/// </summary>
internal static partial class ProcessGroups
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/> to every process of group <paramref name="groupId"/>.</summary>
    public static bool Signal(int groupId, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(groupId, 1);
        return NativeMethods.Kill(-groupId, signal) == 0;
    }

    /// <summary>Sends <paramref name="signal"/> to one process.</summary>
    public static bool SignalProcess(int processId, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(processId, 1);
        return NativeMethods.Kill(processId, signal) == 0;
    }

    /// <summary>Ids of the live (not zombie) processes whose process group is <paramref name="groupId"/>, from /proc.</summary>
    public static IReadOnlyList<int> Members(int groupId)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            if (ReadStat(pid) is { } stat && stat.GroupId == groupId && stat.State != 'Z')
            {
                members.Add(pid);
            }
        }
        return members;
    }

    /// <summary>True while <paramref name="pid"/> is a live (not zombie) process.</summary>
    public static bool IsAlive(int pid) => ReadStat(pid) is { State: not 'Z' };

    /// <summary>Start time (clock ticks since boot) of a process, or null if it is gone: tells a reused pid apart.</summary>
    public static long? StartTime(int pid) => ReadStat(pid)?.StartTime;

    /// <summary>
    /// Stops a group: <paramref name="signal"/> to the group (or only to its leader when <paramref name="leaderOnly"/>,
    /// e.g. SIGINT to the postmaster for a fast shutdown), waits up to <paramref name="grace"/>, then SIGKILLs whatever
    /// is left and waits until /proc shows no member (bounded). Returns the ids still alive (empty when clean).
    /// </summary>
    public static async Task<IReadOnlyList<int>> StopAsync(int groupId, int signal, TimeSpan grace, bool leaderOnly = false)
    {
        if (leaderOnly)
        {
            SignalProcess(groupId, signal);
        }
        else
        {
            Signal(groupId, signal);
        }
        var deadline = DateTime.UtcNow + grace;
        while (Members(groupId).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }
        var killDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (Members(groupId) is { Count: > 0 } left)
        {
            Signal(groupId, SigKill);
            if (DateTime.UtcNow > killDeadline)
            {
                return left;
            }
            await Task.Delay(50).ConfigureAwait(false);
        }
        return [];
    }

    private static (char State, int GroupId, long StartTime)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime
        //  cstime priority nice num_threads itrealvalue starttime ...": comm may hold spaces and parentheses.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (fields[0][0], int.Parse(fields[2], CultureInfo.InvariantCulture), long.Parse(fields[19], CultureInfo.InvariantCulture));
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
        internal static partial int Kill(int pid, int signal);
    }
}
