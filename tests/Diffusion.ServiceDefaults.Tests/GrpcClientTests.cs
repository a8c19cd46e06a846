using Diffusion.Classification.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diffusion.ServiceDefaults.Tests;

public sealed class GrpcClientTests
{
    [Fact]
    public async Task AddGrpcClient_TwoReplicaAddresses_CallsThemInTurn()
    {
        await using var first = await StartReplicaAsync("replica-a");
        await using var second = await StartReplicaAsync("replica-b");
        await using var caller = await ServiceHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["services:classification:grpc:0"] = first.Address.ToString(),
                ["services:classification:grpc:1"] = second.Address.ToString(),
            },
            builder => builder.AddGrpcClient<ClassificationService.ClassificationServiceClient>("classification"));

        var client = caller.App.Services.GetRequiredService<ClassificationService.ClassificationServiceClient>();
        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add((await client.ClassifyAsync(new ClassifyRequest { KnownChip = "H100" })).Paragraph);
        }

        Assert.Equal(["replica-a", "replica-b", "replica-a", "replica-b"], answers);
    }

    [Fact]
    public void AddGrpcClient_MissingAddress_FailsAtBootNamingTheSetting()
    {
        var builder = WebApplication.CreateBuilder();

        var error = Assert.Throws<InvalidOperationException>(() =>
            builder.AddGrpcClient<ClassificationService.ClassificationServiceClient>("quota"));

        Assert.Contains("services__quota__grpc__0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceAddresses_NotAnHttpUrl_NamesTheSetting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["services:quota:grpc:0"] = "127.0.0.1:5000" })
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => GrpcClientExtensions.ServiceAddresses(configuration, "quota"));

        Assert.Contains("services__quota__grpc__0", error.Message, StringComparison.Ordinal);
    }

    private static Task<ServiceHost> StartReplicaAsync(string name) => ServiceHost.StartAsync(
        new Dictionary<string, string?>(),
        builder => builder.Services.AddSingleton(new ReplicaName(name)),
        app => app.MapGrpcService<NamedClassificationService>());

    internal sealed record ReplicaName(string Value);

    /// <summary>Answers with the replica's name, so the test sees which replica served each call.</summary>
    internal sealed class NamedClassificationService(ReplicaName name) : ClassificationService.ClassificationServiceBase
    {
        public override Task<ClassifyResponse> Classify(ClassifyRequest request, ServerCallContext context) =>
            Task.FromResult(new ClassifyResponse { Paragraph = name.Value });
    }
}
