using System.Globalization;
using Diffusion.Classification.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Diffusion.ServiceDefaults.Tests;

/// <summary>
/// <c>AddGrpcServiceClient</c>: Grpc.Net.ClientFactory at <c>http://_grpc.{name}</c>, resolved by service discovery
/// from <c>services:{name}:grpc:N</c> (the AppHost's <c>services__{name}__grpc__N</c>), with call-context propagation.
/// </summary>
public sealed class GrpcClientTests
{
    [Fact]
    public async Task AddGrpcServiceClient_OneAddress_ResolvesItAndCallsTheServer()
    {
        await using var server = await StartServerAsync("classification-0");
        await using var caller = await ServiceHost.StartAsync(
            new Dictionary<string, string?> { ["services:classification:grpc:0"] = server.GrpcAddress.ToString() },
            builder => builder.AddGrpcServiceClient<ClassificationService.ClassificationServiceClient>("classification"));
        var client = caller.App.Services.GetRequiredService<ClassificationService.ClassificationServiceClient>();

        // Outside any incoming call: there is no context to propagate, and the call still goes out.
        var response = await client.ClassifyAsync(new ClassifyRequest { KnownChip = "H100" });

        Assert.Equal("classification-0", response.Paragraph);
        Assert.Equal(NamedClassificationService.NoDeadline, response.Eccn);
    }

    [Fact]
    public async Task AddGrpcServiceClient_AddressInEnvironmentVariable_AsTheAppHostSetsIt()
    {
        // Process-wide, so a service name no other test uses.
        const string name = "envclassification";
        await using var server = await StartServerAsync("from-environment");
        Environment.SetEnvironmentVariable($"services__{name}__grpc__0", server.GrpcAddress.ToString());
        try
        {
            await using var caller = await ServiceHost.StartAsync(
                new Dictionary<string, string?>(),
                builder => builder.AddGrpcServiceClient<ClassificationService.ClassificationServiceClient>(name));
            var client = caller.App.Services.GetRequiredService<ClassificationService.ClassificationServiceClient>();

            var response = await client.ClassifyAsync(new ClassifyRequest { KnownChip = "H100" });

            Assert.Equal("from-environment", response.Paragraph);
        }
        finally
        {
            Environment.SetEnvironmentVariable($"services__{name}__grpc__0", null);
        }
    }

    [Fact]
    public async Task AddGrpcServiceClient_TwoAddresses_RoundRobinsCallsOverBoth()
    {
        await using var first = await StartServerAsync("replica-a");
        await using var second = await StartServerAsync("replica-b");
        await using var caller = await ServiceHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["services:classification:grpc:0"] = first.GrpcAddress.ToString(),
                ["services:classification:grpc:1"] = second.GrpcAddress.ToString(),
            },
            builder => builder.AddGrpcServiceClient<ClassificationService.ClassificationServiceClient>("classification"));
        var client = caller.App.Services.GetRequiredService<ClassificationService.ClassificationServiceClient>();

        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add((await client.ClassifyAsync(new ClassifyRequest { KnownChip = "H100" })).Paragraph);
        }

        // Service discovery's default selector picks the next address for every request (every call), in turn.
        Assert.Equal(["replica-a", "replica-b"], answers.Distinct().Order());
        Assert.All(answers.Zip(answers.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public async Task AddGrpcServiceClient_NoAddressConfigured_FailsAtStartNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServiceHost.StartAsync(
            new Dictionary<string, string?>(),
            builder => builder.AddGrpcServiceClient<ClassificationService.ClassificationServiceClient>("unconfigured")));

        // Service discovery alone resolves per call and would hand the bare name to DNS: the service would start and
        // fail every call. The operator is told at start instead.
        Assert.Contains("services__unconfigured__grpc__0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddGrpcServiceClient_CallMadeWhileServingACall_CarriesTheIncomingDeadline()
    {
        await using var downstream = await StartServerAsync("downstream");
        await using var front = await StartForwarderAsync(downstream);
        var deadline = DateTime.UtcNow.AddSeconds(30);

        var response = await new ClassificationService.ClassificationServiceClient(front.Channel)
            .ClassifyAsync(new ClassifyRequest { KnownChip = "H100" }, deadline: deadline);

        // The forwarding service passes no deadline itself: the downstream one comes from the incoming call.
        Assert.Equal("downstream", response.Paragraph);
        Assert.NotEqual(NamedClassificationService.NoDeadline, response.Eccn);
        var seen = DateTime.Parse(response.Eccn, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.InRange(seen, deadline.AddSeconds(-5), deadline.AddSeconds(1));
    }

    [Fact]
    public async Task AddGrpcServiceClient_IncomingCallWithoutDeadline_DownstreamSeesNone()
    {
        await using var downstream = await StartServerAsync("downstream");
        await using var front = await StartForwarderAsync(downstream);

        var response = await new ClassificationService.ClassificationServiceClient(front.Channel)
            .ClassifyAsync(new ClassifyRequest { KnownChip = "H100" });

        Assert.Equal(NamedClassificationService.NoDeadline, response.Eccn);
    }

    private static Task<ServiceHost> StartServerAsync(string name) => ServiceHost.StartAsync(
        new Dictionary<string, string?>(),
        builder => builder.Services.AddSingleton(new ServerName(name)),
        app => app.MapGrpcService<NamedClassificationService>());

    /// <summary>A host serving each call by calling <paramref name="downstream"/> through its service client.</summary>
    private static Task<ServiceHost> StartForwarderAsync(ServiceHost downstream) => ServiceHost.StartAsync(
        new Dictionary<string, string?> { ["services:classification:grpc:0"] = downstream.GrpcAddress.ToString() },
        builder => builder.AddGrpcServiceClient<ClassificationService.ClassificationServiceClient>("classification"),
        app => app.MapGrpcService<ForwardingClassificationService>());

    /// <summary>Serves a call by making one downstream with the injected client, passing no options of its own.</summary>
    internal sealed class ForwardingClassificationService(ClassificationService.ClassificationServiceClient downstream)
        : ClassificationService.ClassificationServiceBase
    {
        public override async Task<ClassifyResponse> Classify(ClassifyRequest request, ServerCallContext context) =>
            await downstream.ClassifyAsync(request);
    }
}
