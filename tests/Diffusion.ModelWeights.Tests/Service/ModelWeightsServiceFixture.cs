using Diffusion.ModelWeights.Grpc;
using Diffusion.Modelweights.V1;
using Diffusion.Testing.Grpc;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace Diffusion.ModelWeights.Tests.Service;

/// <summary>The real service, wired by the same <c>AddModelWeightsServices()</c> as Program.cs (see <see cref="ServiceFixture{TClient}"/>).</summary>
public sealed class ModelWeightsServiceFixture : ServiceFixture<ModelWeightsService.ModelWeightsServiceClient>
{
    protected override void AddServices(WebApplicationBuilder builder) => builder.AddModelWeightsServices();

    protected override void MapServices(WebApplication app) => app.MapGrpcService<ModelWeightsGrpcService>();

    protected override ModelWeightsService.ModelWeightsServiceClient CreateClient(GrpcChannel channel) => new(channel);
}
