using System.Net;
using Diffusion.Testing.V1;
using Grpc.Core;

namespace Diffusion.Grpc.Tests;

public sealed class StatusTests
{
    private const string UnaryPath = "/diffusion.testing.v1.TestService/Unary";

    [Fact]
    public async Task RpcException_StatusAndUnicodeMessage_ReachTheClient()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(
            new EchoRequest { FailCode = (int)StatusCode.InvalidArgument, FailMessage = "draws[0].tpp: must be ≥ 0 — 100% 出口" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("draws[0].tpp: must be ≥ 0 — 100% 出口", error.Status.Detail);
    }

    [Fact]
    public async Task EarlyError_IsTrailersOnly_WithPercentEncodedMessage()
    {
        await using var server = await TestServers.StartAsync();

        var response = await RawHttp2.PostAsync(server.Address, UnaryPath, RawHttp2.Frame(
            new EchoRequest { FailCode = (int)StatusCode.NotFound, FailMessage = "bucket 100% ≠ ok" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.IsTrailersOnly);
        Assert.Equal("5", response.Headers["grpc-status"]);
        Assert.Equal("bucket 100%25 %E2%89%A0 ok", response.Headers["grpc-message"]);
        Assert.Equal("application/grpc", response.ContentType);
    }

    [Fact]
    public async Task UnexpectedException_IsUnknown_WithoutItsDetails()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(new EchoRequest { ThrowUnexpected = true }).ResponseAsync);

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.DoesNotContain("secret", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnexpectedException_WithDetailedErrors_IncludesTheMessage()
    {
        await using var server = await TestServers.StartAsync(o => o.EnableDetailedErrors = true);
        var client = new TestService.TestServiceClient(server.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(new EchoRequest { ThrowUnexpected = true }).ResponseAsync);

        Assert.Contains("secret internal detail", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MethodNotOverridden_IsUnimplemented()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.NotOverriddenAsync(new EchoRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Theory]
    [InlineData("/diffusion.testing.v1.TestService/NoSuchMethod", "Method is unimplemented.")]
    [InlineData("/diffusion.testing.v1.NoSuchService/Unary", "Service is unimplemented.")]
    public async Task UnknownMethodOrService_IsGrpcStatus12_NotHttp404(string path, string message)
    {
        await using var server = await TestServers.StartAsync();

        var response = await RawHttp2.PostAsync(server.Address, path, RawHttp2.Frame(new EchoRequest()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("12", response.GrpcStatus);
        Assert.Equal(message, response.GrpcMessage);
    }

    [Fact]
    public async Task UnknownMethod_ThroughTheClient_IsUnimplemented()
    {
        await using var server = await TestServers.StartAsync();
        var invoker = server.Channel.CreateCallInvoker();
        var method = new Method<EchoRequest, EchoReply>(MethodType.Unary, "diffusion.testing.v1.TestService", "Missing",
            Marshallers.Create<EchoRequest>(r => Google.Protobuf.MessageExtensions.ToByteArray(r), EchoRequest.Parser.ParseFrom),
            Marshallers.Create<EchoReply>(r => Google.Protobuf.MessageExtensions.ToByteArray(r), EchoReply.Parser.ParseFrom));

        var error = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(method, null, default, new EchoRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("application/grpc-web")]
    public async Task WrongContentType_IsHttp415(string contentType)
    {
        await using var server = await TestServers.StartAsync();

        var response = await RawHttp2.PostAsync(server.Address, UnaryPath, RawHttp2.Frame(new EchoRequest()), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task ContentTypeWithProtoSuffix_IsAccepted()
    {
        await using var server = await TestServers.StartAsync();

        var response = await RawHttp2.PostAsync(server.Address, UnaryPath, RawHttp2.Frame(new EchoRequest()), "application/grpc+proto");

        Assert.Equal("0", response.GrpcStatus);
    }
}
