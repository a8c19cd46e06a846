using Diffusion.Classification;
using Diffusion.Classification.Grpc;
using Diffusion.Testing.Grpc;
using Microsoft.AspNetCore.Builder;

namespace Diffusion.Testing.Hosts;

/// <summary>The Classification service on Kestrel port 0 (h2c), wired as its Program.cs (see <see cref="ProgramHost"/>).</summary>
public static class ClassificationHost
{
    /// <summary>
    /// Starts Classification; <paramref name="configure"/> adds to its registrations (e.g. a call counter) and
    /// <paramref name="mapAlso"/> to its pipeline and endpoints, before the service is mapped.
    /// </summary>
    public static Task<GrpcTestServer> StartAsync(Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? mapAlso = null) =>
        ProgramHost.StartAsync(
            builder =>
            {
                builder.AddClassificationServices();
                configure?.Invoke(builder);
            },
            app =>
            {
                mapAlso?.Invoke(app);
                app.MapGrpcService<ClassificationGrpcService>();
            });
}
