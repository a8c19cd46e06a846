using System.Net;
using Diffusion.Testing.Grpc;
using Diffusion.Testing.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Diffusion.Grpc.Tests;

/// <summary>How our client reads responses that are not plain gRPC successes (PROTOCOL-HTTP2 and http-grpc-status-mapping).</summary>
public sealed class ClientStatusMappingTests
{
    private const string UnaryPath = "/diffusion.testing.v1.TestService/Unary";

    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    public async Task HttpErrorWithoutGrpcStatus_IsMappedPerTheSpecTable(int httpStatus, StatusCode expected)
    {
        await using var server = await ServeAsync(context =>
        {
            context.Response.StatusCode = httpStatus;
            return Task.CompletedTask;
        });

        var error = await CallAsync(server);

        Assert.Equal(expected, error.StatusCode);
    }

    [Fact]
    public async Task TrailersOnlyResponse_StatusIsReadFromHeaders()
    {
        await using var server = await ServeAsync(context =>
        {
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "7";
            context.Response.Headers["grpc-message"] = "not allowed %E2%9C%8B";
            context.Response.Headers["why-bin"] = Convert.ToBase64String([9, 8, 7]);
            return Task.CompletedTask;
        });

        var error = await CallAsync(server);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("not allowed ✋", error.Status.Detail);
        Assert.Equal(new byte[] { 9, 8, 7 }, error.Trailers.GetValueBytes("why-bin"));
    }

    [Fact]
    public async Task OkWithoutGrpcContentType_IsInternal()
    {
        await using var server = await ServeAsync(context => context.Response.WriteAsync("<html>proxy page</html>"));

        var error = await CallAsync(server);

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task MissingGrpcStatus_IsAnError()
    {
        await using var server = await ServeAsync(async context =>
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(RawHttp2.Frame(new EchoReply { Message = "no status" }));
        });

        var error = await CallAsync(server);

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task TruncatedResponseMessage_IsInternal()
    {
        await using var server = await ServeAsync(async context =>
        {
            context.Response.ContentType = "application/grpc";
            context.Response.AppendTrailer("grpc-status", "0");
            await context.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 50, 1, 2 });
        });

        var error = await CallAsync(server);

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task NothingListening_IsUnavailable()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new TestService.TestServiceClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(new EchoRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    private static Task<GrpcTestServer> ServeAsync(RequestDelegate handler) =>
        GrpcTestServer.StartAsync(_ => { }, app => app.MapPost(UnaryPath, handler));

    private static Task<RpcException> CallAsync(GrpcTestServer server) =>
        Assert.ThrowsAsync<RpcException>(() => new TestService.TestServiceClient(server.Channel).UnaryAsync(new EchoRequest()).ResponseAsync);
}
