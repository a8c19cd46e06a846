using System.Collections.Concurrent;
using System.Text;
using Diffusion.Classification.V1;
using Diffusion.ServiceDefaults.Security;
using Diffusion.Testing.Auth;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Diffusion.ServiceDefaults.Tests.Security;

/// <summary>
/// <c>AddDiffusionAuthentication</c> on a real Kestrel host over h2c: what a token must be for a call to pass, the gRPC
/// statuses of the refusals, what stays open, and that a service calls others as itself.
/// </summary>
public sealed class BearerTokenTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly LogLines _logs = new();
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(
        new Dictionary<string, string?>(),
        builder =>
        {
            builder.Services.AddSingleton(new ServerName("guarded"));
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(_logs);
        },
        app => app.MapGrpcService<NamedClassificationService>());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task NoToken_Unauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => ClassifyAsync(token: null));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task TokenOfAnAllowedRole_Answers_WithTheSubjectFromTheToken()
    {
        var response = await ClassifyAsync(TestTokens.Create("alice", Roles.Exporter));

        Assert.Equal("guarded", response.Paragraph);
        Assert.Equal(["alice"], response.LicenseExceptions);
    }

    [Fact]
    public async Task ValidIdentityWithoutTheRole_PermissionDenied_NamingTheRolesNeeded()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => ClassifyAsync(TestTokens.Create("audrey", Roles.Auditor, Roles.Operator)));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("diffusion.classification.v1.ClassificationService/Classify requires role exporter or officer or service", error.Status.Detail);
    }

    [Fact]
    public async Task ValidIdentityWithNoRoleAtAll_PermissionDenied()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => ClassifyAsync(TestTokens.Create("nobody")));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    public static TheoryData<string> BadTokens() =>
    [
        "garbage", "truncated", "expired", "not-yet-valid", "wrong-signature", "unknown-key", "wrong-audience",
        "wrong-issuer", "alg-none", "huge", "empty", "no-bearer-prefix",
    ];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task BadToken_Unauthenticated_NotLogged_AndTheServiceGoesOn(string kind)
    {
        var (token, header) = Bad(kind);

        var error = await Assert.ThrowsAsync<RpcException>(() => ClassifyAsync(token, header));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.DoesNotContain(error.Status.Detail, token.Length > 20 ? token : "\u0000", StringComparison.Ordinal);
        Assert.Equal("guarded", (await ClassifyAsync(TestTokens.Create("after", Roles.Exporter))).Paragraph);
        if (token.Length > 20)
        {
            // Neither the whole token nor its signature part reaches a log line at any level.
            var secretPart = token.Split('.').Where(p => p.Length > 0).OrderByDescending(p => p.Length).First();
            Assert.DoesNotContain(_logs.Lines, line => line.Contains(secretPart, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task HealthAndReflection_OpenWithoutAToken()
    {
        using var anonymous = GrpcChannel.ForAddress(_host.GrpcAddress);

        var health = await new Health.HealthClient(anonymous).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Deadline);
        using var reflection = new ServerReflection.ServerReflectionClient(anonymous).ServerReflectionInfo(deadline: DateTime.UtcNow + Deadline);
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await reflection.RequestStream.CompleteAsync();
        Assert.True(await reflection.ResponseStream.MoveNext(CancellationToken.None));
        using var http = await _host.Http.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Contains(reflection.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == ClassificationService.Descriptor.FullName);
        Assert.True(http.IsSuccessStatusCode);
    }

    [Fact]
    public async Task ServiceCallingAnother_PresentsItsOwnIdentity_NotTheCallers()
    {
        await using var front = await ServiceHost.StartAsync(
            new Dictionary<string, string?> { ["services:classification:grpc:0"] = _host.GrpcAddress.ToString() },
            builder => builder.AddGrpcServiceClient<ClassificationService.ClassificationServiceClient>("classification"),
            app => app.MapGrpcService<GrpcClientTests.ForwardingClassificationService>());
        using var channel = GrpcChannel.ForAddress(front.GrpcAddress, TestTokens.WithToken(token: TestTokens.Create("alice", Roles.Exporter)));

        var response = await new ClassificationService.ClassificationServiceClient(channel)
            .ClassifyAsync(new ClassifyRequest { KnownChip = "H100" }, deadline: DateTime.UtcNow + Deadline);

        // ServiceHost gives each host the tests' service identity, subject = its application name.
        Assert.Equal(["Diffusion.ServiceDefaults.Tests"], response.LicenseExceptions);
    }

    private async Task<ClassifyResponse> ClassifyAsync(string? token, string? header = null)
    {
        using var channel = GrpcChannel.ForAddress(_host.GrpcAddress);
        var metadata = new Metadata();
        if (header is not null || token is not null)
        {
            metadata.Add("authorization", header ?? "Bearer " + token);
        }

        return await new ClassificationService.ClassificationServiceClient(channel)
            .ClassifyAsync(new ClassifyRequest { KnownChip = "H100" }, metadata, DateTime.UtcNow + Deadline);
    }

    /// <summary>A token that must not pass, and the authorization header carrying it (null: "Bearer " + token).</summary>
    private static (string Token, string? Header) Bad(string kind)
    {
        var valid = TestTokens.Create("mallory", Roles.Officer);
        var spec = new TokenSpec("mallory", [Roles.Officer]);
        return kind switch
        {
            "garbage" => ("not a token at all", null),
            "truncated" => (valid[..(valid.Length / 2)], null),
            "expired" => (TestTokens.Create(spec with { Shift = TimeSpan.FromHours(-2) }), null),
            "not-yet-valid" => (TestTokens.Create(spec with { Shift = TimeSpan.FromHours(2) }), null),
            // Signed by another key that claims the trusted key's id, and by a key with an id nobody published.
            "wrong-signature" => (TestTokens.Create(spec, TestTokens.UntrustedKey(sameKeyId: true)), null),
            "unknown-key" => (TestTokens.Create(spec, TestTokens.UntrustedKey(sameKeyId: false)), null),
            "wrong-audience" => (TestTokens.Create(spec with { Audience = "someone-else" }), null),
            "wrong-issuer" => (TestTokens.Create(spec with { Issuer = "https://evil.invalid/" }), null),
            "alg-none" => (Unsigned(valid), null),
            // Under Kestrel's HTTP/2 header limits (16 KiB a field), so the token itself is what is refused.
            "huge" => ("eyJ" + new string('A', 12_000), null),
            "empty" => ("", "Bearer "),
            "no-bearer-prefix" => (valid, "Basic " + valid),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>The token's claims under a header saying <c>alg: none</c>, with no signature.</summary>
    private static string Unsigned(string token)
    {
        var payload = token.Split('.')[1];
        return Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes("""{"alg":"none","typ":"JWT"}""")) + "." + payload + ".";
    }

    /// <summary>Every log line the host writes, at every level, with its exception.</summary>
    private sealed class LogLines : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(LogLines owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue(formatter(state, exception) + " " + exception);
        }
    }
}
