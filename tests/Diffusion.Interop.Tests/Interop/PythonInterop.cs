using System.Diagnostics;
using System.Text.Json;
using Diffusion.Testing.Processes;

namespace Diffusion.Interop.Tests.Interop;

/// <summary>
/// Debian's python3-grpcio (a real gRPC stack, grpc-core underneath) and message stubs generated for it at test
/// time by Debian's protoc, which matches Debian's python3-protobuf (Grpc.Tools' bundled protoc generates code newer than Debian's python3-protobuf reads).
/// </summary>
public sealed class PythonInterop : IDisposable
{
    /// <summary>Debian's interpreter: a pyenv python3 on PATH may lack Debian's grpc module.</summary>
    public const string Python = "/usr/bin/python3";
    private const string Protoc = "/usr/bin/protoc";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly Lazy<Task<string>> _stubs;

    public PythonInterop() => _stubs = new(GenerateStubsAsync);

    public static string ScriptPath(string name) => Path.Combine(AppContext.BaseDirectory, "Interop", name);

    /// <summary>Runs one client scenario against <paramref name="address"/> and returns its RESULT line.</summary>
    public async Task<JsonElement> RunClientAsync(Uri address, string scenario)
    {
        var stubs = await _stubs.Value;
        var output = await ProcessRunner.RunAsync(Python, [ScriptPath("grpc_interop_client.py"), stubs, $"{address.Host}:{address.Port}", scenario], CommandTimeout);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("The python client printed no result: " + output);
        return JsonDocument.Parse(line["RESULT ".Length..]).RootElement.Clone();
    }

    /// <summary>Starts the python server; dispose the result to kill it.</summary>
    public async Task<PythonServer> StartServerAsync()
    {
        var stubs = await _stubs.Value;
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ScriptPath("grpc_interop_server.py"));
        info.ArgumentList.Add(stubs);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the python server");
        try
        {
            using var timeout = new CancellationTokenSource(CommandTimeout);
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"python server did not start: {line} {await process.StandardError.ReadToEndAsync(timeout.Token)}");
            }

            return new PythonServer(process, new Uri($"http://127.0.0.1:{line[5..]}"));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_stubs.IsValueCreated && _stubs.Value.IsCompletedSuccessfully)
        {
            Directory.Delete(_stubs.Value.Result, recursive: true);
        }
    }

    private static async Task<string> GenerateStubsAsync()
    {
        var directory = Directory.CreateTempSubdirectory("diffusion-grpc-interop-").FullName;
        var protos = Path.Combine(AppContext.BaseDirectory, "Protos");
        await ProcessRunner.RunAsync(Protoc, [$"-I{protos}", $"--python_out={directory}", Path.Combine(protos, "test.proto")], CommandTimeout);
        return directory;
    }
}

/// <summary>A running python3-grpcio server process.</summary>
public sealed class PythonServer(Process process, Uri address) : IDisposable
{
    public Uri Address { get; } = address;

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
    }
}
