namespace Aspire.Hosting;

/// <summary>The two endpoints every Diffusion service has, and how the AppHost tells Kestrel about them.</summary>
public static class GrpcServiceBuilderExtensions
{
    /// <summary>Endpoint of the gRPC services: h2c (HTTP/2 without TLS), HTTP/2 only.</summary>
    public const string GrpcEndpointName = "grpc";

    /// <summary>Endpoint of <c>/health</c> and <c>/alive</c>: HTTP/1.1.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>
    /// Gives the service a <c>grpc</c> endpoint on <paramref name="grpcPort"/> (DCP listens there and forwards to each
    /// replica's own port) and an <c>http</c> endpoint, health-checked on <c>/health</c>. Kestrel learns both as named
    /// endpoints with their protocols (<c>Kestrel__Endpoints__grpc__Protocols=Http2</c>, <c>…__http__Protocols=Http1</c>):
    /// without TLS there is no ALPN, so one endpoint cannot serve both, and ASPNETCORE_URLS cannot say which is which.
    /// The OTLP exporter gets a short timeout so a stopping service does not wait out the default 10 s on a
    /// dashboard that is gone.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithGrpcServiceEndpoints(this IResourceBuilder<ProjectResource> builder, int grpcPort)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .WithHttpEndpoint(port: grpcPort, name: GrpcEndpointName)
            .WithEndpoint(GrpcEndpointName, endpoint => endpoint.Transport = "http2")
            .WithHttpEndpoint(name: HttpEndpointName)
            .WithEnvironment(context =>
            {
                // Kestrel would bind these too, and warn that its named endpoints override them.
                context.EnvironmentVariables.Remove("ASPNETCORE_URLS");
                foreach (var (name, protocols) in new[] { (GrpcEndpointName, "Http2"), (HttpEndpointName, "Http1") })
                {
                    var endpoint = builder.GetEndpoint(name);
                    context.EnvironmentVariables[$"Kestrel__Endpoints__{name}__Url"] =
                        ReferenceExpression.Create($"http://{endpoint.EndpointAnnotation.TargetHost}:{endpoint.Property(EndpointProperty.TargetPort)}");
                    context.EnvironmentVariables[$"Kestrel__Endpoints__{name}__Protocols"] = protocols;
                }
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_TIMEOUT"] = "1000";
            })
            .WithHttpHealthCheck("/health", endpointName: HttpEndpointName);
    }
}
