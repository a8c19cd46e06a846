using Diffusion.Testing.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Diffusion.Interop.Tests.Interop;

/// <summary>Grpc.Net.Client calls a Debian python3-grpcio server.</summary>
public sealed class PythonServerInteropTests(PythonInterop python) : IClassFixture<PythonInterop>, IAsyncLifetime
{
    private PythonServer _server = null!;
    private GrpcChannel _channel = null!;

    private TestService.TestServiceClient Client => new(_channel);

    public async Task InitializeAsync()
    {
        _server = await python.StartServerAsync();
        _channel = GrpcChannel.ForAddress(_server.Address);
    }

    public Task DisposeAsync()
    {
        _channel.Dispose();
        _server.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Unary_WithMetadataAndDeadline()
    {
        var headers = new Metadata { { "x-tenant", "acme" }, { "x-blob-bin", new byte[] { 0, 200, 255 } } };
        var deadline = DateTime.UtcNow.AddSeconds(30);

        var reply = await Client.UnaryAsync(new EchoRequest { Message = "héllo", Payload = ByteString.CopyFrom(1, 2) }, headers, deadline);

        Assert.Equal("héllo", reply.Message);
        Assert.Equal(new byte[] { 1, 2 }, reply.Payload.ToByteArray());
        Assert.Equal("acme", reply.RequestHeaders["x-tenant"]);
        Assert.Equal(new byte[] { 0, 200, 255 }, reply.BinaryHeader.ToByteArray());
        Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds(reply.DeadlineUnixMs).UtcDateTime, deadline.AddSeconds(-3), deadline.AddSeconds(1));
    }

    [Fact]
    public async Task ResponseHeadersAndTrailers()
    {
        using var call = Client.UnaryAsync(new EchoRequest { EchoMetadata = true });
        var headers = await call.ResponseHeadersAsync;
        await call;

        Assert.Equal("header-value", headers.GetValue("echo-header"));
        Assert.Equal("trailer-value", call.GetTrailers().GetValue("echo-trailer"));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, call.GetTrailers().GetValueBytes("echo-trailer-bin"));
    }

    [Fact]
    public async Task ServerStreaming()
    {
        using var call = Client.ServerStream(new EchoRequest { Count = 5 });

        var indexes = new List<int>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync())
        {
            indexes.Add(reply.Index);
        }

        Assert.Equal([0, 1, 2, 3, 4], indexes);
    }

    [Fact]
    public async Task ServerStreaming_ErrorAfterMessages()
    {
        using var call = Client.ServerStream(new EchoRequest { Count = 2, FailCode = (int)StatusCode.Aborted, FailMessage = "halt ✋" });
        var received = 0;

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                received++;
            }
        });

        Assert.Equal(2, received);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("halt ✋", error.Status.Detail);
    }

    [Fact]
    public async Task ErrorStatus_WithUnicodeMessage()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.UnaryAsync(new EchoRequest { FailCode = (int)StatusCode.InvalidArgument, FailMessage = "bucket_id: 100% ≠ 出口" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("bucket_id: 100% ≠ 出口", error.Status.Detail);
    }

    [Fact]
    public async Task Deadline_IsDeadlineExceeded()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.UnaryAsync(new EchoRequest { DelayMs = 5_000 }, deadline: DateTime.UtcNow.AddMilliseconds(500)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplemented()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.NotOverriddenAsync(new EchoRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }
}
