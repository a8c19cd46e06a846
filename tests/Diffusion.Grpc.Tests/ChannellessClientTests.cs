using Diffusion.Testing.V1;
using Grpc.Core;

namespace Diffusion.Grpc.Tests;

public sealed class ChannellessClientTests
{
    /// <summary>A test double built with the generated parameterless constructor and overriding nothing.</summary>
    private sealed class Double : TestService.TestServiceClient
    {
    }

    [Fact]
    public void Call_OnAClientWithoutAChannel_FailsWithFailedPreconditionNamingTheMethod()
    {
        var client = new Double();

        var unary = Assert.Throws<RpcException>(() => client.UnaryAsync(new EchoRequest()));
        var streaming = Assert.Throws<RpcException>(() => client.ServerStream(new EchoRequest()));

        Assert.Equal(StatusCode.FailedPrecondition, unary.StatusCode);
        Assert.Contains("/diffusion.testing.v1.TestService/Unary", unary.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.FailedPrecondition, streaming.StatusCode);
    }
}
