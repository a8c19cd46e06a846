using Microsoft.Extensions.Configuration;

namespace Diffusion.ServiceDefaults.Clients;

/// <summary>Reads Aspire's conventional settings, failing at boot with the setting's name.</summary>
internal static class ConnectionStrings
{
    /// <summary>ConnectionStrings:{name} (environment: ConnectionStrings__{name}).</summary>
    public static string Require(IConfiguration configuration, string connectionName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        var value = configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set (environment variable ConnectionStrings__{connectionName}); "
                + "the AppHost sets it for every resource referenced with WithReference.");
        }
        return value;
    }
}
