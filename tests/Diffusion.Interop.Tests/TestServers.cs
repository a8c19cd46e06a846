using Diffusion.Interop.Tests.Services;
using Diffusion.Testing.Grpc;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Interop.Tests;

/// <summary>Starts the shared test server hosting <see cref="TestGrpcService"/>.</summary>
internal static class TestServers
{
    public static Task<GrpcTestServer> StartAsync(Action<GrpcServiceOptions>? configure = null) =>
        GrpcTestServer.StartAsync<TestGrpcService>(builder =>
        {
            builder.Services.AddSingleton<CallLog>();
            if (configure is not null)
            {
                builder.Services.Configure(configure);
            }
        });
}
