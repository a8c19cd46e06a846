using System.Globalization;

namespace Diffusion.LoadTest.Faults;

/// <summary>A running process as /proc shows it (Linux).</summary>
public sealed record ProcessInfo(int Pid, int ParentPid, string Executable, string CommandLine);

/// <summary>
/// The machine's processes and the trees below a root (the AppHost, or whatever started the system), read from /proc:
/// the fault injector finds its victims among a root's descendants, so it never touches another system running on the
/// same machine; the AppHost tests find a replica to kill and leftovers after a shutdown.
/// </summary>
public static class ProcessTree
{
    /// <summary><paramref name="root"/>'s running descendants (not zombies), the root excluded.</summary>
    public static IReadOnlyList<ProcessInfo> Below(int root)
    {
        var all = All();
        var found = Descendants(all, [root]);
        return [.. all.Where(p => p.Pid != root && found.Contains(p.Pid))];
    }

    /// <summary>The running <paramref name="roots"/> and every running process below them.</summary>
    public static HashSet<int> WithDescendants(IEnumerable<int> roots)
    {
        var all = All();
        return Descendants(all, roots.Where(root => all.Any(p => p.Pid == root)));
    }

    /// <summary>Every running process (not zombies).</summary>
    public static IReadOnlyList<ProcessInfo> All()
    {
        var processes = new List<ProcessInfo>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so split after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] is "Z" or "X")
                {
                    continue;
                }

                var arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                processes.Add(new ProcessInfo(
                    pid,
                    int.Parse(fields[1], CultureInfo.InvariantCulture),
                    // redis-server rewrites its title into one string ("/usr/bin/redis-server 127.0.0.1:6379").
                    arguments.Length > 0 ? Path.GetFileName(arguments[0].Split(' ')[0]) : "",
                    string.Join(' ', arguments)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone while we looked, or not ours to read.
            }
        }

        return processes;
    }

    private static HashSet<int> Descendants(IReadOnlyList<ProcessInfo> all, IEnumerable<int> roots)
    {
        var found = new HashSet<int>(roots);
        for (var added = true; added;)
        {
            added = false;
            foreach (var p in all.Where(p => found.Contains(p.ParentPid)))
            {
                added |= found.Add(p.Pid);
            }
        }

        return found;
    }
}
