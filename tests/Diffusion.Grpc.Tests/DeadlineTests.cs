using System.Diagnostics;
using Diffusion.Grpc.Tests.Services;
using Diffusion.Testing.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Grpc.Tests;

public sealed class DeadlineTests
{
    private const string UnaryPath = "/diffusion.testing.v1.TestService/Unary";

    [Fact]
    public async Task Deadline_IsSentAsGrpcTimeout_AndSeenByTheServer()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);
        var deadline = DateTime.UtcNow.AddSeconds(30);

        var reply = await client.UnaryAsync(new EchoRequest(), deadline: deadline);

        var seen = DateTimeOffset.FromUnixTimeMilliseconds(reply.DeadlineUnixMs).UtcDateTime;
        Assert.InRange(seen, deadline.AddSeconds(-2), deadline.AddSeconds(1));
    }

    [Fact]
    public async Task NoDeadline_ServerSeesMaxValue()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        var reply = await client.UnaryAsync(new EchoRequest());

        Assert.Equal(0, reply.DeadlineUnixMs);
    }

    [Fact]
    public async Task SlowHandler_IsDeadlineExceeded_AndItsTokenFires()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        await WarmUpAsync(client);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync(new EchoRequest { DelayMs = 10_000 }, deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        var observed = await server.Services.GetRequiredService<CallLog>().CancellationObserved.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(observed);
    }

    [Fact]
    public async Task ServerEnforcesGrpcTimeout_EvenWhenTheHandlerIgnoresCancellation()
    {
        await using var server = await TestServers.StartAsync();
        var stopwatch = Stopwatch.StartNew();

        // No client-side deadline here: only the server's enforcement can end the call early.
        var response = await RawHttp2.PostAsync(server.Address, UnaryPath,
            RawHttp2.Frame(new EchoRequest { DelayMs = 3_000, IgnoreCancellation = true }), headers: ("grpc-timeout", "200m"));

        Assert.Equal("4", response.GrpcStatus);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromMilliseconds(2_500), $"took {stopwatch.Elapsed}");
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task ServerStreaming_DeadlineMidStream_StopsWritingAndEndsWithDeadlineExceeded()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        using var call = client.ServerStream(new EchoRequest { Count = 1000, DelayMs = 50, IgnoreCancellation = true }, deadline: DateTime.UtcNow.AddMilliseconds(400));
        var received = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                received++;
            }
        });

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.InRange(received, 1, 20);

        // The handler kept going after the deadline; its writes were refused, and the server is still healthy.
        await Task.Delay(200);
        Assert.Equal("ok", (await client.UnaryAsync(new EchoRequest { Message = "ok" })).Message);
    }

    [Fact]
    public async Task DeadlineInThePast_FailsWithoutCallingTheServer()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(new EchoRequest(), deadline: DateTime.UtcNow.AddSeconds(-1)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Empty(server.Services.GetRequiredService<CallLog>().Deadlines);
    }

    [Fact]
    public async Task ClientDeadline_EndsTheCall_EvenIfTheServerNeverAnswers()
    {
        // A server that accepts the request and never responds (it ignores grpc-timeout).
        await using var server = await Diffusion.Testing.Grpc.GrpcTestServer.StartAsync(
            _ => { },
            app => Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapPost(app, UnaryPath, async (Microsoft.AspNetCore.Http.HttpContext context) =>
                await Task.Delay(Timeout.Infinite, context.RequestAborted)));
        var client = new TestService.TestServiceClient(server.Channel);
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(new EchoRequest(), deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task CancellationToken_CancelsTheCall_AndTheHandlerSeesIt()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);
        await WarmUpAsync(client);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(new EchoRequest { DelayMs = 10_000 }, cancellationToken: cts.Token).ResponseAsync);

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.True(await server.Services.GetRequiredService<CallLog>().CancellationObserved.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>The first call of a process pays for connection set-up and JIT; short deadlines are measured after it.</summary>
    private static async Task WarmUpAsync(TestService.TestServiceClient client)
    {
        await client.UnaryAsync(new EchoRequest());
        await client.UnaryAsync(new EchoRequest());
    }
}
