using System.Security.Cryptography;

namespace Diffusion.Testing.Processes;

/// <summary>What starting and removing a server process the tests own (redis-server, PostgreSQL) has in common.</summary>
internal static class LocalServer
{
    private const int Attempts = 3;

    /// <summary>
    /// Starts a server on a free port, on another one when the start fails (another process may take a free port
    /// before the server binds it): <paramref name="create"/> makes the server for a port, <paramref name="start"/>
    /// starts it, <paramref name="discard"/> cleans up after a failed attempt.
    /// </summary>
    public static async Task<T> StartOnFreePortAsync<T>(
        string name,
        Func<int, T> create,
        Func<T, CancellationToken, Task> start,
        Func<T, ValueTask> discard,
        CancellationToken cancellationToken)
    {
        Exception? last = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var server = create(FreePort.Next());
            try
            {
                await start(server, cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                last = e;
                await discard(server).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"{name} did not start", last);
    }

    /// <summary>A password made for one server (128 random bits, lower-case hex), as the AppHost makes its own.</summary>
    public static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Writes a file only its owner may read or write (0600): a server's password goes to it through a file, never
    /// the command line, which every user of the machine can read.
    /// </summary>
    public static void WriteOwnerOnly(string path, string content)
    {
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Kills a server (if it still runs) and removes its directory, both best effort.</summary>
    public static async ValueTask KillAndRemoveAsync(Func<Task> kill, string directory)
    {
        try
        {
            await kill().ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            // Not running, or already gone.
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover directory under /tmp is harmless.
        }
    }
}
