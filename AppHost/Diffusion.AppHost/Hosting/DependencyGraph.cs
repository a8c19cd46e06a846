namespace Diffusion.AppHost.Hosting;

/// <summary>Start order of resources: every resource after everything it waits for or references.</summary>
public static class DependencyGraph
{
    /// <summary>
    /// A topological order (stable: declaration order among independent resources). Stopping uses the reverse.
    /// Throws on a cycle or on a dependency that was never declared.
    /// </summary>
    public static IReadOnlyList<Resource> StartOrder(IReadOnlyList<Resource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var declared = resources.ToHashSet();
        var order = new List<Resource>(resources.Count);
        var state = new Dictionary<Resource, bool>();   // false: visiting, true: done
        foreach (var resource in resources)
        {
            Visit(resource, []);
        }
        return order;

        void Visit(Resource resource, List<Resource> path)
        {
            if (state.TryGetValue(resource, out var done))
            {
                if (!done)
                {
                    var cycle = path.SkipWhile(r => r != resource).Append(resource).Select(r => r.Name);
                    throw new InvalidOperationException($"dependency cycle: {string.Join(" -> ", cycle)}");
                }
                return;
            }
            state[resource] = false;
            path.Add(resource);
            foreach (var dependency in Dependencies(resource))
            {
                if (!declared.Contains(dependency))
                {
                    throw new InvalidOperationException($"{resource} depends on {dependency}, which is not declared in this application");
                }
                Visit(dependency, path);
            }
            path.RemoveAt(path.Count - 1);
            state[resource] = true;
            order.Add(resource);
        }
    }

    /// <summary>What a resource needs running first: what it waits for, what it references, its parent.</summary>
    public static IEnumerable<Resource> Dependencies(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var parent = resource.Parent is { } p ? [p] : Array.Empty<Resource>();
        return resource.WaitsFor.Concat(resource.References).Concat(parent).Distinct();
    }
}
