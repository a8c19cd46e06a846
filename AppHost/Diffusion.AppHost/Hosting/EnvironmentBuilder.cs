namespace Diffusion.AppHost.Hosting;

/// <summary>
/// The environment a project or executable process gets: Aspire's conventions and nothing else, so the services
/// would run unchanged under Aspire.
/// </summary>
public static class EnvironmentBuilder
{
    /// <summary>
    /// Variables for replica <paramref name="replica"/> of <paramref name="resource"/>:
    /// <list type="bullet">
    /// <item><c>ConnectionStrings__{name}</c> for each referenced Redis or database;</item>
    /// <item><c>services__{name}__grpc__{i}</c> for each referenced project, one per replica of it (i = 0..n-1; a client
    /// that reads only index 0 talks to the first replica);</item>
    /// <item><c>ASPNETCORE_URLS=http://127.0.0.1:{port}</c> (h2c, the replica's own port) for projects;</item>
    /// <item><c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES=service.instance.id={name}-{replica}</c>, and, when a
    /// dashboard collects telemetry, <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>
    /// with short export intervals (1 s) so traces show up while you look;</item>
    /// <item><c>DOTNET_ENVIRONMENT</c>/<c>ASPNETCORE_ENVIRONMENT=Development</c>; the resource's own WithEnvironment values last.</item>
    /// </list>
    /// </summary>
    public static IReadOnlyDictionary<string, string> For(Resource resource, int replica, Uri? otlpEndpoint)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var reference in resource.References)
        {
            switch (reference)
            {
                case IResourceWithConnectionString withConnectionString:
                    env[$"ConnectionStrings__{reference.Name}"] = withConnectionString.ConnectionString;
                    break;
                case ProjectResource project:
                    var index = 0;
                    foreach (var url in project.Urls)
                    {
                        env[$"services__{project.Name}__grpc__{index++}"] = url;
                    }
                    break;
                default:
                    break;
            }
        }
        if (resource is ProjectResource self)
        {
            env["ASPNETCORE_URLS"] = self.Urls.ElementAt(replica);
            env["DOTNET_ENVIRONMENT"] = "Development";
            env["ASPNETCORE_ENVIRONMENT"] = "Development";
        }
        if (resource is ProjectResource or ExecutableResource)
        {
            env["OTEL_SERVICE_NAME"] = resource.Name;
            env["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={resource.Name}-{replica}";
            if (otlpEndpoint is not null)
            {
                env["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint.ToString().TrimEnd('/');
                env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                env["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
                env["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
                env["OTEL_METRIC_EXPORT_INTERVAL"] = "5000";
            }
        }
        foreach (var (key, value) in resource.Environment)
        {
            env[key] = value;
        }
        return env;
    }
}
