using Diffusion.Testing.V1;
using Google.Protobuf;

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
    }

    [Fact]
    public async Task BlockingUnary_Works()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        var reply = client.Unary(new EchoRequest { Message = "sync" });

        Assert.Equal("sync", reply.Message);
    }
}
