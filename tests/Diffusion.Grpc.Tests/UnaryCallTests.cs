using Diffusion.Testing.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Diffusion.Grpc.Tests;

public sealed class UnaryCallTests
{
    [Fact]
    public async Task Unary_EchoesMessageAndPayload()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        var reply = await client.UnaryAsync(new EchoRequest { Message = "héllo", Payload = ByteString.CopyFrom(1, 2, 3) });

        Assert.Equal("héllo", reply.Message);
        Assert.Equal(new byte[] { 1, 2, 3 }, reply.Payload.ToByteArray());
        Assert.StartsWith("ipv4:127.0.0.1:", reply.Peer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlockingUnary_Works()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        var reply = client.Unary(new EchoRequest { Message = "sync" });

        Assert.Equal("sync", reply.Message);
    }

    [Fact]
    public async Task Unary_OkResponse_HasHeadersMessageAndTrailersOnTheWire()
    {
        await using var server = await TestServers.StartAsync();

        var response = await RawHttp2.PostAsync(server.Address, "/diffusion.testing.v1.TestService/Unary", RawHttp2.Frame(new EchoRequest { Message = "x" }));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/grpc", response.ContentType);
        Assert.Equal("0", response.Trailers["grpc-status"]);
        Assert.False(response.Headers.ContainsKey("grpc-status"));
        var reply = EchoReply.Parser.ParseFrom(response.Body.AsSpan(5));
        Assert.Equal("x", reply.Message);
    }

    [Fact]
    public async Task Metadata_RequestHeadersIncludingBinary_ReachTheHandler()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);
        var headers = new Metadata
        {
            { "x-tenant", "acme" },
            { "x-blob-bin", new byte[] { 0, 200, 255, 1 } },
        };

        var reply = await client.UnaryAsync(new EchoRequest(), headers);

        Assert.Equal("acme", reply.RequestHeaders["x-tenant"]);
        Assert.Equal(new byte[] { 0, 200, 255, 1 }, reply.BinaryHeader.ToByteArray());
        Assert.False(reply.RequestHeaders.ContainsKey("grpc-timeout"));
        Assert.False(reply.RequestHeaders.ContainsKey("content-type"));
    }

    [Fact]
    public async Task Metadata_ResponseHeadersAndTrailers_ReachTheClient()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        using var call = client.UnaryAsync(new EchoRequest { EchoMetadata = true });
        var headers = await call.ResponseHeadersAsync;
        await call;

        Assert.Equal("header-value", headers.GetValue("echo-header"));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        var trailers = call.GetTrailers();
        Assert.Equal("trailer-value", trailers.GetValue("echo-trailer"));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, trailers.GetValueBytes("echo-trailer-bin"));
    }

    [Fact]
    public async Task GetStatus_BeforeTheCallEnds_Throws()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        using var call = client.UnaryAsync(new EchoRequest { DelayMs = 300 });

        Assert.Throws<InvalidOperationException>(() => call.GetStatus());
        await call;
    }

    [Fact]
    public async Task ManyConcurrentCalls_OnOneChannel_AllSucceed()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        var replies = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => client.UnaryAsync(new EchoRequest { Message = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ResponseAsync));

        Assert.Equal(Enumerable.Range(0, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), replies.Select(r => r.Message));
    }
}
