using Diffusion.Classification.Grpc;
using Diffusion.Classification.V1;
using Diffusion.Testing.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diffusion.Classification.Tests.Service;

/// <summary>
/// The real classification service, wired by the same <c>AddClassificationServices()</c> as Program.cs, on Kestrel at
/// 127.0.0.1 port 0 (h2c) with the repository's rules/, and a Grpc.Net.Client client. The clock is
/// fixed at <see cref="Today"/> so "as_of unset" is reproducible.
/// </summary>
public sealed class ClassificationServiceFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Today = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private GrpcTestServer? _server;

    public ClassificationService.ClassificationServiceClient Client { get; private set; } = null!;

    public Uri Address => _server!.Address;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddDiffusionAuthentication();
                builder.AddClassificationServices();
                builder.Services.AddSingleton<TimeProvider>(new FixedClock(Today));
            },
            app =>
            {
                app.MapGrpcService<ClassificationGrpcService>();
                app.MapDefaultEndpoints();
            });
        Client = new ClassificationService.ClassificationServiceClient(_server.Channel);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

[CollectionDefinition(Name)]
public sealed class ClassificationServiceCollection : ICollectionFixture<ClassificationServiceFixture>
{
    public const string Name = "classification service";
}
