using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Diffusion.Testing.Processes;
using StackExchange.Redis;

namespace Diffusion.Testing.Redis;

/// <summary>How a test Redis keeps its data.</summary>
public enum RedisPersistence
{
    /// <summary>Memory only (<c>--save '' --appendonly no</c>): a kill loses everything.</summary>
    None,

    /// <summary>Append-only file with <c>appendfsync always</c>: a kill loses nothing that was acknowledged.</summary>
    AppendOnly,
}

/// <summary>Options for <see cref="RedisServer.StartAsync"/>.</summary>
public sealed record RedisServerOptions
{
    /// <summary>The server binary. Default: /usr/bin/redis-server.</summary>
    public string Executable { get; init; } = "/usr/bin/redis-server";

    /// <summary>Persistence mode; default memory only.</summary>
    public RedisPersistence Persistence { get; init; } = RedisPersistence.None;

    /// <summary>Bound on every wait (start, stop).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// A real redis-server process on a free 127.0.0.1 port with its own working directory under /tmp, requiring a
/// password made for it (<c>requirepass</c> in a 0600 config file there, not on the command line), as the AppHost's does.
/// It can be killed (SIGKILL, as in a crash) and started again on the same port, empty or with its data, so tests
/// can exercise recovery. Disposing kills it and removes its directory.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly RedisServerOptions options;
    private Process? process;

    private RedisServer(RedisServerOptions options, int port, string directory)
    {
        this.options = options;
        Port = port;
        Directory = directory;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        var dir = OrphanGuard.Quote(directory);
        OrphanGuard.Watch($"[ -f {dir}/redis.pid ] && kill -9 $(cat {dir}/redis.pid) 2>/dev/null; rm -rf {dir}");
    }

    /// <summary>The TCP port on 127.0.0.1; it stays the same across restarts.</summary>
    public int Port { get; }

    /// <summary>The server's working directory (dump.rdb, appendonly files, log).</summary>
    public string Directory { get; }

    /// <summary>The password every client must present (AUTH); a connection without it is refused every command.</summary>
    public string Password { get; } = LocalServer.NewPassword();

    /// <summary>A StackExchange.Redis configuration string for this server (<c>abortConnect=false</c> so clients ride out restarts).</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password},abortConnect=false,connectTimeout=2000,syncTimeout=5000";

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => process is { HasExited: false };

    /// <summary>Starts a new server on a free port; retries with another port if the first is taken meanwhile.</summary>
    public static async Task<RedisServer> StartAsync(RedisServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RedisServerOptions();
        return await LocalServer.StartOnFreePortAsync(
            "redis-server",
            port => new RedisServer(options, port, System.IO.Directory.CreateTempSubdirectory("diffusion-redis-").FullName),
            (server, ct) => server.StartProcessAsync(ct),
            server => server.DisposeAsync(),
            cancellationToken);
    }

    /// <summary>Connects a multiplexer to this server (async connect: the sync connect blocks a thread-pool thread).</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(ConnectionString);

    /// <summary>Kills the process with SIGKILL, as a crash would, and waits until it is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        if (process is { HasExited: false } running)
        {
            running.Kill(entireProcessTree: true);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(options.Timeout);
            await running.WaitForExitAsync(cts.Token);
        }

        process?.Dispose();
        process = null;
    }

    /// <summary>
    /// Starts the server again on the same port. <paramref name="keepData"/> false removes its data files first
    /// (an empty Redis, as after a crash without persistence); true keeps whatever the persistence mode wrote.
    /// </summary>
    public async Task RestartAsync(bool keepData = false, CancellationToken cancellationToken = default)
    {
        await KillAsync(cancellationToken);
        if (!keepData)
        {
            foreach (var entry in new DirectoryInfo(Directory).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo dir)
                {
                    dir.Delete(recursive: true);
                }
                else if (entry.Name is not "redis.log" and not "redis.pid" and not "redis.conf")
                {
                    entry.Delete();
                }
            }
        }

        await StartProcessAsync(cancellationToken);
    }

    /// <summary>Kills the process and removes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        await LocalServer.KillAndRemoveAsync(() => KillAsync(), Directory);
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(options.Executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        var config = Path.Combine(Directory, "redis.conf");
        if (!File.Exists(config))
        {
            LocalServer.WriteOwnerOnly(config, $"requirepass {Password}\n");
        }

        string[] arguments =
        [
            config,
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", Directory,
            "--save", "",
            "--appendonly", options.Persistence == RedisPersistence.AppendOnly ? "yes" : "no",
            "--appendfsync", "always",
            "--logfile", Path.Combine(Directory, "redis.log"),
            "--daemonize", "no",
            "--pidfile", Path.Combine(Directory, "redis.pid"),
            "--protected-mode", "no",
            "--maxclients", "1000",
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        process = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-server");
        // Drain the pipes so the child never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await ProcessRunner.WaitUntilAsync(
            async ct =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"redis-server exited with {process.ExitCode}: {ReadLog()}");
                }

                return await PingAsync(ct);
            },
            options.Timeout,
            $"redis-server on port {Port}",
            cancellationToken);
    }

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"AUTH {Password}\r\nPING\r\n"), cancellationToken);
            var answers = new StringBuilder();
            var buffer = new byte[64];
            while (answers.ToString().Split("\r\n").Length < 3)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return false;
                }

                answers.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            // "+OK" then "+PONG" once loaded; "-LOADING" while it reads its data files.
            return answers.ToString().EndsWith("+PONG\r\n", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string ReadLog()
    {
        var log = Path.Combine(Directory, "redis.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no log)";
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        try
        {
            process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
