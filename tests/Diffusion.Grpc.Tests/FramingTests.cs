using Diffusion.Grpc.Framing;
using Diffusion.Grpc.Tests.Services;
using Diffusion.Testing.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Grpc.Tests;

public sealed class FramingTests
{
    private const string UnaryPath = "/diffusion.testing.v1.TestService/Unary";

    [Fact]
    public async Task CompressedFlag_WithoutEncoding_IsInternal_AndTheServerKeepsServing()
    {
        await using var server = await TestServers.StartAsync();

        var response = await RawHttp2.PostAsync(server.Address, UnaryPath, RawHttp2.Frame(new EchoRequest(), flag: 1));

        Assert.Equal("13", response.GrpcStatus);
        await AssertStillServesAsync(server.Channel);
    }

    [Fact]
    public async Task InvalidCompressedFlagValue_IsInternal()
    {
        await using var server = await TestServers.StartAsync();

        var response = await RawHttp2.PostAsync(server.Address, UnaryPath, RawHttp2.Frame(new EchoRequest(), flag: 7));

        Assert.Equal("13", response.GrpcStatus);
    }

    [Fact]
    public async Task UnsupportedEncoding_IsUnimplemented_AndAdvertisesIdentity()
    {
        await using var server = await TestServers.StartAsync();

        var response = await RawHttp2.PostAsync(server.Address, UnaryPath, RawHttp2.Frame(new EchoRequest(), flag: 1), headers: ("grpc-encoding", "gzip"));

        Assert.Equal("12", response.GrpcStatus);
        Assert.Equal("identity", response.Headers["grpc-accept-encoding"]);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0 })]                      // prefix cut short
    [InlineData(new byte[] { 0, 0, 0, 0, 10, 1, 2, 3 })]       // payload cut short
    public async Task TruncatedFrame_IsInternal(byte[] body)
    {
        await using var server = await TestServers.StartAsync();

        var response = await RawHttp2.PostAsync(server.Address, UnaryPath, body);

        Assert.Equal("13", response.GrpcStatus);
        Assert.Contains("Incomplete", response.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyBody_ForUnary_IsInternal()
    {
        await using var server = await TestServers.StartAsync();

        var response = await RawHttp2.PostAsync(server.Address, UnaryPath, []);

        Assert.Equal("13", response.GrpcStatus);
    }

    [Fact]
    public async Task TwoMessages_ForUnary_IsInternal()
    {
        await using var server = await TestServers.StartAsync();
        var frame = RawHttp2.Frame(new EchoRequest { Message = "a" });

        var response = await RawHttp2.PostAsync(server.Address, UnaryPath, [.. frame, .. frame]);

        Assert.Equal("13", response.GrpcStatus);
    }

    [Fact]
    public async Task GarbagePayload_IsInternal_NotACrash()
    {
        await using var server = await TestServers.StartAsync();

        var response = await RawHttp2.PostAsync(server.Address, UnaryPath, RawHttp2.Frame([0xff, 0xff, 0xff, 0xff, 0xff]));

        Assert.Equal("13", response.GrpcStatus);
        await AssertStillServesAsync(server.Channel);
    }

    [Fact]
    public async Task RequestOverServerReceiveLimit_IsResourceExhausted_FromThePrefixAlone()
    {
        await using var server = await TestServers.StartAsync(o => o.MaxReceiveMessageSize = 1024);

        // Announces 10 MB but sends only the prefix: the limit must be enforced before buffering the payload.
        var response = await RawHttp2.PostAsync(server.Address, UnaryPath, [0, 0, 0x98, 0x96, 0x80]);

        Assert.Equal("8", response.GrpcStatus);
    }

    [Fact]
    public async Task RequestOverServerReceiveLimit_ThroughTheClient_IsResourceExhausted()
    {
        await using var server = await TestServers.StartAsync(o => o.MaxReceiveMessageSize = 1024);
        var client = new TestService.TestServiceClient(server.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[4096]) }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal("ok", (await client.UnaryAsync(new EchoRequest { Message = "ok" })).Message);
    }

    [Fact]
    public async Task ResponseOverServerSendLimit_IsResourceExhausted()
    {
        await using var server = await TestServers.StartAsync(o => o.MaxSendMessageSize = 1024);
        var client = new TestService.TestServiceClient(server.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[4096]) }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task ResponseOverClientReceiveLimit_IsResourceExhausted()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = 1024 }));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[4096]) }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task RequestOverClientSendLimit_IsResourceExhausted_WithoutSending()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 1024 }));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[4096]) }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Empty(server.Services.GetRequiredService<CallLog>().Deadlines);
    }

    [Fact]
    public async Task LargeMessage_UnderTheLimit_RoundTrips()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);
        var payload = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(payload);

        var reply = await client.UnaryAsync(new EchoRequest { Payload = ByteString.CopyFrom(payload) });

        Assert.Equal(payload, reply.Payload.ToByteArray());
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("100%", "100%25")]
    [InlineData("ünï", "%C3%BCn%C3%AF")]
    [InlineData("line\nbreak", "line%0Abreak")]
    public void PercentEncoding_EncodesOutsideVisibleAscii(string value, string expected)
    {
        var encoded = PercentEncoding.Encode(value);

        Assert.Equal(expected, encoded);
        Assert.Equal(value, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("%zz bad", "%zz bad")]
    [InlineData("trailing %", "trailing %")]
    [InlineData("%E2%89%A0", "≠")]
    public void PercentEncoding_DecodesLeniently(string wire, string expected) =>
        Assert.Equal(expected, PercentEncoding.Decode(wire));

    [Theory]
    [InlineData("100m", 100 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1S", TimeSpan.TicksPerSecond)]
    [InlineData("2M", 2 * TimeSpan.TicksPerMinute)]
    [InlineData("1H", TimeSpan.TicksPerHour)]
    [InlineData("500u", 5000)]
    [InlineData("1000n", 10)]
    public void GrpcTimeout_ParsesEveryUnit(string header, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("123456789S")]
    [InlineData("-1S")]
    public void GrpcTimeout_RejectsMalformedValues(string header) => Assert.False(GrpcTimeout.TryParse(header, out _));

    [Fact]
    public void GrpcTimeout_FormatsAtMostEightDigits_RoundingUp()
    {
        foreach (var timeout in new[] { TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(1500), TimeSpan.FromHours(30), TimeSpan.FromDays(3000) })
        {
            var header = GrpcTimeout.Format(timeout);
            Assert.InRange(header.Length, 2, 9);
            Assert.True(GrpcTimeout.TryParse(header, out var parsed));
            Assert.True(parsed >= timeout || timeout > TimeSpan.FromDays(1000));
        }
    }

    private static async Task AssertStillServesAsync(GrpcChannel channel)
    {
        var reply = await new TestService.TestServiceClient(channel).UnaryAsync(new EchoRequest { Message = "still here" });
        Assert.Equal("still here", reply.Message);
    }
}
