using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Diffusion.ServiceDefaults.Tests;

public sealed class HealthEndpointTests
{
    private static readonly Dictionary<string, string?> NoSettings = [];

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task HealthEndpoints_OverH2c_AnswerHealthyInProduction(string path)
    {
        await using var host = await ServiceHost.StartAsync(NoSettings);

        using var response = await host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GrpcHealthService_Check_AnswersServing()
    {
        await using var host = await ServiceHost.StartAsync(NoSettings);
        using var channel = GrpcChannel.ForAddress(host.Address);

        var response = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Endpoint_WithoutTls_SpeaksHttp2Only()
    {
        await using var host = await ServiceHost.StartAsync(NoSettings);
        using var http11 = new HttpClient
        {
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };

        // Kestrel turns HTTP/1.1 away on an h2c-only endpoint ("An HTTP/1.x request was sent to an HTTP/2 only
        // endpoint"): proof that the endpoint is not the Http1AndHttp2 default, which without TLS speaks HTTP/1.1 only.
        using var response = await http11.GetAsync(new Uri(host.Address, "/health"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("HTTP/2 only", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
