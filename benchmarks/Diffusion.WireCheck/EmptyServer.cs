using System.CommandLine;
using System.Net;
using Diffusion.Benchmarks.Baseline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Diffusion.WireCheck;

/// <summary>
/// <c>empty-server --port P</c>: a plain grpc-dotnet server (WebApplication, Kestrel h2c on 127.0.0.1:P) serving
/// one unary method, <c>google.protobuf.Empty</c> in and out, with nothing behind it: no ServiceDefaults, no
/// authentication, no telemetry, no logging below Warning. Runs until stopped (SIGTERM or Ctrl+C).
/// </summary>
internal static class EmptyServer
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Loopback port to listen on (h2c)", Required = true };
        port.Validators.Add(result =>
        {
            if (result.GetValue(port) is < 1 or > 65535)
            {
                result.AddError("--port must be between 1 and 65535");
            }
        });
        var command = new Command("empty-server", "Serve /diffusion.benchmarks.v1.EmptyService/Ping (Empty in and out, nothing behind it) on 127.0.0.1") { port };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await RunAsync(parse.GetValue(port), cancellationToken);
            return 0;
        });
        return command;
    }

    private static async Task RunAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        await using var app = builder.Build();
        app.MapGrpcService<EmptyUnaryService>();
        await app.StartAsync(cancellationToken);
        // Scripts wait for this line before measuring.
        Console.WriteLine($"empty server listening on http://127.0.0.1:{port} (pid {Environment.ProcessId})");
        await app.WaitForShutdownAsync(cancellationToken);
    }
}
