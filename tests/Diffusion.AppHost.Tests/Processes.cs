using System.Globalization;

namespace Diffusion.AppHost.Tests;

/// <summary>The machine's processes as /proc shows them (Linux), to kill one as a crash would and to find leftovers.</summary>
internal static class Processes
{
    /// <summary>The pid a resource's snapshot reports (property "executable.pid") (for a project: its <c>dotnet run</c> wrapper), if it has one.</summary>
    public static int? Pid(ResourceEvent resource) =>
        resource.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : null;

    /// <summary>Running (not zombie) processes: pid, parent pid, command line.</summary>
    public static IReadOnlyList<(int Pid, int ParentPid, string CommandLine)> All()
    {
        var processes = new List<(int, int, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            try
            {
                // stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so split after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] == "Z")
                {
                    continue;
                }
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Trim();
                processes.Add((pid, int.Parse(fields[1], CultureInfo.InvariantCulture), commandLine));
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
        }
        return processes;
    }

    /// <summary><paramref name="roots"/> and every running process below them.</summary>
    public static HashSet<int> WithDescendants(IEnumerable<int> roots)
    {
        var all = All();
        var found = new HashSet<int>(roots.Where(root => all.Any(p => p.Pid == root)));
        for (var added = true; added;)
        {
            added = false;
            foreach (var process in all.Where(p => found.Contains(p.ParentPid)))
            {
                added |= found.Add(process.Pid);
            }
        }
        return found;
    }

    /// <summary>The process itself of a project replica: the only child of its <c>dotnet run</c> wrapper.</summary>
    public static int ChildOf(int pid) => All().Single(p => p.ParentPid == pid).Pid;

    public static bool IsRunning(int pid) => All().Any(p => p.Pid == pid);
}
