namespace Diffusion.AppHost.Hosting;

/// <summary>Fluent handle on a declared resource (Aspire's IResourceBuilder).</summary>
/// <typeparam name="T">The resource type.</typeparam>
public sealed class ResourceBuilder<T>(DistributedApplicationBuilder applicationBuilder, T resource)
    where T : Resource
{
    /// <summary>The resource.</summary>
    public T Resource { get; } = resource;

    /// <summary>The application it belongs to.</summary>
    public DistributedApplicationBuilder ApplicationBuilder { get; } = applicationBuilder;

    /// <summary>
    /// Gives this resource the other's connection information: <c>ConnectionStrings__{name}</c> for Redis and
    /// databases, <c>services__{name}__grpc__{i}</c> (one per replica) for projects.
    /// </summary>
    public ResourceBuilder<T> WithReference<TOther>(ResourceBuilder<TOther> other)
        where TOther : Resource
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Resource is not (IResourceWithConnectionString or ProjectResource))
        {
            throw new ArgumentException($"{other.Resource} cannot be referenced: it has no connection string or endpoint");
        }
        if (!Resource.References.Contains(other.Resource))
        {
            Resource.References.Add(other.Resource);
        }
        return this;
    }

    /// <summary>Starts this resource only after <paramref name="other"/> is healthy (bounded wait).</summary>
    public ResourceBuilder<T> WaitFor<TOther>(ResourceBuilder<TOther> other)
        where TOther : Resource
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other.Resource, Resource))
        {
            throw new ArgumentException($"{Resource} cannot wait for itself");
        }
        if (!Resource.WaitsFor.Contains(other.Resource))
        {
            Resource.WaitsFor.Add(other.Resource);
        }
        return this;
    }

    /// <summary>Runs <paramref name="replicas"/> processes, each on its own port.</summary>
    public ResourceBuilder<T> WithReplicas(int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        if (Resource is not (ProjectResource or ExecutableResource))
        {
            throw new InvalidOperationException($"{Resource}: only projects and executables have replicas");
        }
        Resource.Replicas = replicas;
        return this;
    }

    /// <summary>Sets an environment variable for the resource's processes.</summary>
    public ResourceBuilder<T> WithEnvironment(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Resource.Environment[name] = value ?? "";
        return this;
    }
}
