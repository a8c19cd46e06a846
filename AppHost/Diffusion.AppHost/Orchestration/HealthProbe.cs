using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Diffusion.AppHost.Orchestration;

/// <summary>Health of a running resource as the dashboard shows it.</summary>
public enum HealthStatus
{
    /// <summary>Not probed yet, or the resource has no health endpoint (it answers, but not /health).</summary>
    Unknown,

    /// <summary>The probe passed.</summary>
    Healthy,

    /// <summary>The probe failed or the resource said it is not ready.</summary>
    Unhealthy,
}

/// <summary>Result of one probe: <paramref name="Ready"/> lets WaitFor dependents start.</summary>
internal sealed record ProbeResult(HealthStatus Status, bool Ready, string Detail);

/// <summary>The probes: h2c GET /health for projects, RESP PING for Redis, a connection for PostgreSQL.</summary>
internal sealed class HealthProbe : IDisposable
{
    private readonly HttpClient _h2c = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) })
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(3),
    };

    private readonly HttpClient _http11 = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) })
    {
        Timeout = TimeSpan.FromSeconds(3),
    };

    /// <summary>
    /// GET {url}/health over h2c (prior knowledge), as gRPC clients connect. 200: healthy. 503: running, not ready.
    /// Any other answer (e.g. 404 from a service that maps no health endpoint, or an HTTP/1.1-only placeholder):
    /// running, health unknown, ready enough for dependents.
    /// </summary>
    public async Task<ProbeResult> ProbeHttpAsync(string baseUrl, CancellationToken cancellationToken)
    {
        var health = new Uri(new Uri(baseUrl), "/health");
        try
        {
            using var response = await _h2c.GetAsync(health, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => new ProbeResult(HealthStatus.Healthy, true, body),
                HttpStatusCode.ServiceUnavailable => new ProbeResult(HealthStatus.Unhealthy, false, $"/health: 503 {body}"),
                var other => new ProbeResult(HealthStatus.Unknown, true, $"/health: {(int)other} (no health endpoint)"),
            };
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError)
        {
            return new ProbeResult(HealthStatus.Unhealthy, false, "not listening yet");
        }
        catch (HttpRequestException)
        {
            // Listening but not speaking h2c: an HTTP/1.1-only endpoint (a service without the service defaults).
            return await ProbeHttp11Async(health, cancellationToken).ConfigureAwait(false);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(HealthStatus.Unhealthy, false, "/health timed out");
        }
    }

    /// <summary>RESP PING over TCP (what <c>redis-cli ping</c> does).</summary>
    public static async Task<ProbeResult> ProbeRedisAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            var answer = Encoding.ASCII.GetString(buffer, 0, read).Trim();
            return answer == "+PONG"
                ? new ProbeResult(HealthStatus.Healthy, true, "PONG")
                : new ProbeResult(HealthStatus.Unhealthy, false, answer);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return new ProbeResult(HealthStatus.Unhealthy, false, ex.Message);
        }
    }

    /// <summary>Opens a connection and runs SELECT 1 (what <c>pg_isready</c> checks, plus a query).</summary>
    public static async Task<ProbeResult> ProbePostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 2, Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return new ProbeResult(HealthStatus.Healthy, true, "SELECT 1");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
        {
            return new ProbeResult(HealthStatus.Unhealthy, false, ex.Message);
        }
    }

    public void Dispose()
    {
        _h2c.Dispose();
        _http11.Dispose();
    }

    private async Task<ProbeResult> ProbeHttp11Async(Uri health, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http11.GetAsync(health, cancellationToken).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK
                ? new ProbeResult(HealthStatus.Unknown, true, "/health answers over HTTP/1.1 only: gRPC (h2c) will fail")
                : new ProbeResult(HealthStatus.Unknown, true, $"HTTP/1.1 only, /health: {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex)
        {
            return new ProbeResult(HealthStatus.Unhealthy, false, ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(HealthStatus.Unhealthy, false, "/health timed out");
        }
    }
}
