namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// redis-server from the machine, run by DCP as an executable. It is also a connection-string resource (the
/// endpoint's host:port, the form StackExchange.Redis reads), so <c>WithReference(redis).WaitFor(redis)</c> gives a
/// project <c>ConnectionStrings__redis</c> and starts it once Redis answers PING. Clients must present
/// <see cref="Password"/> (<c>requirepass</c>).
/// </summary>
public sealed class LocalRedisResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The password (a secret parameter, made on first run).</summary>
    public ParameterResource Password { get; } = password;

    internal const string PrimaryEndpointName = "tcp";

    /// <summary>The endpoint clients connect to (DCP's proxy in front of redis-server's own port).</summary>
    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    /// <summary><c>host:port,password=…</c>.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={Password}");
}
