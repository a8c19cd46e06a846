using Diffusion.Testing.V1;
using Grpc.Core;

namespace Diffusion.Grpc.Tests;

public sealed class StreamingCallTests
{
    [Fact]
    public async Task ServerStreaming_DeliversEveryMessageInOrder()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        using var call = client.ServerStream(new EchoRequest { Message = "m", Count = 25 });
        var indexes = new List<int>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync())
        {
            indexes.Add(reply.Index);
        }

        Assert.Equal(Enumerable.Range(0, 25), indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStreaming_NoMessages_EndsCleanly()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        using var call = client.ServerStream(new EchoRequest { Count = 0 });

        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStreaming_ErrorAfterMessages_ComesInTrailers()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        using var call = client.ServerStream(new EchoRequest { Count = 3, FailCode = (int)StatusCode.Aborted, FailMessage = "stopped" });
        var received = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                received++;
            }
        });

        Assert.Equal(3, received);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("stopped", error.Status.Detail);
    }

    [Fact]
    public async Task ClientStreaming_ServerSeesEveryMessage()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        using var call = client.ClientStream();
        foreach (var word in new[] { "a", "b", "c" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = word });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call;

        Assert.Equal("a,b,c", reply.Message);
        Assert.Equal(3, reply.Index);
    }

    [Fact]
    public async Task DuplexStreaming_RepliesToEachRequest()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        using var call = client.Duplex();
        for (var i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = "d" + i });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal("d" + i, call.ResponseStream.Current.Message);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }
}
