using System.Net;
using System.Net.Sockets;

namespace Diffusion.Testing.Processes;

/// <summary>Free TCP ports on 127.0.0.1 for servers the tests start.</summary>
public static class FreePort
{
    /// <summary>
    /// A port the OS reports free right now. Another process may take it before the caller binds it, so callers
    /// that start a server on it retry with a new port when the start fails.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
