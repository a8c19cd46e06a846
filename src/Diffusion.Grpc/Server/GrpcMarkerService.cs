namespace Diffusion.Grpc.Server;

/// <summary>Registered by <c>AddGrpc()</c>; records what was mapped so unknown methods get the right UNIMPLEMENTED text.</summary>
internal sealed class GrpcMarkerService
{
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public bool UnimplementedMapped { get; set; }

    public void AddService(string serviceName)
    {
        lock (_lock)
        {
            _services.Add(serviceName);
        }
    }

    public bool HasService(string serviceName)
    {
        lock (_lock)
        {
            return _services.Contains(serviceName);
        }
    }
}
