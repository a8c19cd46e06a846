using System.Net;
using Diffusion.Classification.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diffusion.ServiceDefaults.Tests;

public sealed class HealthEndpointTests
{
    private static readonly Dictionary<string, string?> NoSettings = [];

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task HealthEndpoints_OnTheHttpEndpoint_AnswerHealthyInProduction(string path)
    {
        await using var host = await ServiceHost.StartAsync(NoSettings);

        using var response = await host.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GrpcHealthService_Check_AnswersServing()
    {
        await using var host = await ServiceHost.StartAsync(NoSettings);

        var response = await new Health.HealthClient(host.Channel).CheckAsync(
            new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task ServerReflection_ListServices_NamesTheMappedServices()
    {
        await using var host = await ServiceHost.StartAsync(
            NoSettings,
            builder => builder.Services.AddSingleton(new ServerName("reflected")),
            app => app.MapGrpcService<NamedClassificationService>());
        var client = new ServerReflection.ServerReflectionClient(host.Channel);

        using var call = client.ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(10));
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains(ClassificationService.Descriptor.FullName, names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    [Fact]
    public async Task EndpointNamingNoProtocol_WithoutTls_SpeaksHttp2Only()
    {
        // `--urls http://127.0.0.1:0`: an endpoint that names no protocol, as a service run by hand gets.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single());
        using var http11 = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var channel = GrpcChannel.ForAddress(address);

        // Kestrel turns HTTP/1.1 away ("An HTTP/1.x request was sent to an HTTP/2 only endpoint"): proof that the
        // endpoint is not the Http1AndHttp2 default, which without TLS speaks HTTP/1.1 only and no gRPC.
        using var response = await http11.GetAsync(new Uri(address, "/health"));
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("HTTP/2 only", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        await app.StopAsync();
    }

    [Fact]
    public async Task HealthService_UnknownService_AnswersNotFound()
    {
        await using var host = await ServiceHost.StartAsync(NoSettings);

        var error = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(host.Channel)
            .CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}
