using Diffusion.Classification.Grpc;
using Diffusion.Classification.V1;
using Diffusion.Testing.Grpc;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Classification.Tests.Service;

/// <summary>
/// The real classification service, wired by the same <c>AddClassificationServices()</c> as Program.cs (see
/// <see cref="ServiceFixture{TClient}"/>). The clock is fixed at <see cref="Today"/> so "as_of unset" is reproducible.
/// </summary>
public sealed class ClassificationServiceFixture : ServiceFixture<ClassificationService.ClassificationServiceClient>
{
    public static readonly DateTimeOffset Today = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    protected override void AddServices(WebApplicationBuilder builder)
    {
        builder.AddClassificationServices();
        builder.Services.AddSingleton<TimeProvider>(new FixedClock(Today));
    }

    protected override void MapServices(WebApplication app) => app.MapGrpcService<ClassificationGrpcService>();

    protected override ClassificationService.ClassificationServiceClient CreateClient(GrpcChannel channel) => new(channel);

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
