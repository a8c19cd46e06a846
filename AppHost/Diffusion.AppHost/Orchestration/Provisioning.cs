using System.Diagnostics;

namespace Diffusion.AppHost.Orchestration;

/// <summary>Finds the machine's redis-server and PostgreSQL binaries; installs them with apt-get when running as root.</summary>
internal static class Provisioning
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Path of redis-server.</summary>
    public static async Task<string> RedisServerAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var found = Find("redis-server", "/usr/bin/redis-server");
        if (found is not null)
        {
            return found;
        }
        await InstallAsync("redis-server", log, cancellationToken).ConfigureAwait(false);
        return Find("redis-server", "/usr/bin/redis-server")
            ?? throw new InvalidOperationException("redis-server is still missing after apt-get install redis-server");
    }

    /// <summary>Directory holding initdb and postgres (the newest /usr/lib/postgresql/N/bin).</summary>
    public static async Task<string> PostgresBinDirectoryAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var found = FindPostgres();
        if (found is not null)
        {
            return found;
        }
        await InstallAsync("postgresql", log, cancellationToken).ConfigureAwait(false);
        return FindPostgres()
            ?? throw new InvalidOperationException("PostgreSQL binaries are still missing after apt-get install postgresql");
    }

    /// <summary>Runs a program to completion; returns its exit code and its output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var output = new System.Text.StringBuilder();
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout.TotalSeconds:F0} s");
        }
        lock (gate)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static string? FindPostgres()
    {
        if (!Directory.Exists("/usr/lib/postgresql"))
        {
            return null;
        }
        return Directory.EnumerateDirectories("/usr/lib/postgresql")
            .Select(dir => Path.Combine(dir, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "postgres")) && File.Exists(Path.Combine(bin, "initdb")))
            .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var version) ? version : 0)
            .FirstOrDefault();
    }

    private static string? Find(string program, string preferred)
    {
        if (File.Exists(preferred))
        {
            return preferred;
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }

    private static async Task InstallAsync(string package, Action<string> log, CancellationToken cancellationToken)
    {
        var command = $"sudo apt-get install -y {package}";
        if (!IsRoot)
        {
            throw new ProvisioningException($"{package} is not installed. Install it with:  {command}");
        }
        log($"{package} is not installed: running apt-get install -y {package}");
        var environment = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        var (code, output) = await RunAsync("apt-get", ["install", "-y", "-q", package], TimeSpan.FromMinutes(10), cancellationToken, environment).ConfigureAwait(false);
        if (code != 0)
        {
            log("apt-get install failed; running apt-get update first");
            await RunAsync("apt-get", ["update", "-q"], TimeSpan.FromMinutes(10), cancellationToken, environment).ConfigureAwait(false);
            (code, output) = await RunAsync("apt-get", ["install", "-y", "-q", package], TimeSpan.FromMinutes(10), cancellationToken, environment).ConfigureAwait(false);
        }
        if (code != 0)
        {
            throw new ProvisioningException($"apt-get install -y {package} failed (exit {code}):\n{output}");
        }
    }
}

/// <summary>A binary the system needs is missing and could not be installed: the AppHost stops with this message.</summary>
internal sealed class ProvisioningException(string message) : Exception(message);
