using System.Globalization;
using Diffusion.LoadTest.Faults;

namespace Diffusion.AppHost.Tests;

/// <summary>What the AppHost tests ask of the machine's processes (read from /proc by <see cref="ProcessTree"/>).</summary>
internal static class Processes
{
    /// <summary>The pid a resource's snapshot reports (property "executable.pid") (for a project: its <c>dotnet run</c> wrapper), if it has one.</summary>
    public static int? Pid(ResourceEvent resource) =>
        resource.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : null;

    /// <summary>Running (not zombie) processes.</summary>
    public static IReadOnlyList<ProcessInfo> All() => ProcessTree.All();

    /// <summary><paramref name="roots"/> and every running process below them.</summary>
    public static HashSet<int> WithDescendants(IEnumerable<int> roots) => ProcessTree.WithDescendants(roots);

    /// <summary>The process itself of a project replica: the only child of its <c>dotnet run</c> wrapper.</summary>
    public static int ChildOf(int pid) => ProcessTree.All().Single(p => p.ParentPid == pid).Pid;

    public static bool IsRunning(int pid) => ProcessTree.All().Any(p => p.Pid == pid);
}
