using System.Diagnostics;

namespace Diffusion.AppHost.Hosting;

/// <summary>
/// The machine's own binaries that executable resources run (redis-server, PostgreSQL): a missing one is installed
/// with apt-get when the AppHost runs as root; otherwise start-up stops with the exact command to run.
/// </summary>
internal static partial class MachinePackages
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>
    /// Makes sure <paramref name="binary"/> exists, installing Debian package <paramref name="package"/> if it does not
    /// and <paramref name="isRoot"/> (<see cref="IsRoot"/>) says apt-get may be run.
    /// </summary>
    /// <exception cref="DistributedApplicationException">The binary is missing and cannot be installed from here.</exception>
    public static async Task EnsureAsync(string binary, string package, bool isRoot, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(binary))
        {
            return;
        }
        var command = $"sudo apt-get install -y {package}";
        if (!isRoot)
        {
            throw new DistributedApplicationException($"{binary} is missing. Install it with:  {command}");
        }
        Log.Installing(logger, binary, package);
        if (await AptGetAsync(["install", "-y", "-q", package], cancellationToken).ConfigureAwait(false) != 0)
        {
            // A fresh machine may have no package lists yet.
            await AptGetAsync(["update", "-q"], cancellationToken).ConfigureAwait(false);
            await AptGetAsync(["install", "-y", "-q", package], cancellationToken).ConfigureAwait(false);
        }
        if (!File.Exists(binary))
        {
            throw new DistributedApplicationException($"{binary} is still missing after apt-get install -y {package}; run it by hand to see why:  {command}");
        }
    }

    private static async Task<int> AptGetAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("apt-get") { UseShellExecute = false };
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new DistributedApplicationException("could not start apt-get");
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Binary} is missing: running apt-get install -y {Package}")]
        public static partial void Installing(ILogger logger, string binary, string package);
    }
}
