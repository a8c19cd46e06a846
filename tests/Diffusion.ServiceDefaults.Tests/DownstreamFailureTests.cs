using Grpc.Core;

namespace Diffusion.ServiceDefaults.Tests;

public sealed class DownstreamFailureTests
{
    // Every gRPC status code: the service or the way to it failed (true), or an answer about the request (false).
    [Theory]
    [InlineData(StatusCode.OK, false)]
    [InlineData(StatusCode.Cancelled, true)]
    [InlineData(StatusCode.Unknown, true)]
    [InlineData(StatusCode.InvalidArgument, false)]
    [InlineData(StatusCode.DeadlineExceeded, true)]
    [InlineData(StatusCode.NotFound, false)]
    [InlineData(StatusCode.AlreadyExists, false)]
    [InlineData(StatusCode.PermissionDenied, false)]
    [InlineData(StatusCode.ResourceExhausted, true)]
    [InlineData(StatusCode.FailedPrecondition, false)]
    [InlineData(StatusCode.Aborted, true)]
    [InlineData(StatusCode.OutOfRange, false)]
    [InlineData(StatusCode.Unimplemented, true)]
    [InlineData(StatusCode.Internal, true)]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.DataLoss, true)]
    [InlineData(StatusCode.Unauthenticated, false)]
    public void IsInfrastructure_EveryStatusCode(StatusCode code, bool infrastructure)
    {
        Assert.Equal(infrastructure, DownstreamFailure.IsInfrastructure(code));
        Assert.Equal(infrastructure, DownstreamFailure.Is(new RpcException(new Status(code, "")), CancellationToken.None));
    }

    [Fact]
    public void Is_CallerCancelled_NotADownstreamFailure()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.False(DownstreamFailure.Is(new RpcException(new Status(StatusCode.Cancelled, "")), cancelled.Token));
        Assert.False(DownstreamFailure.Is(new RpcException(new Status(StatusCode.Unavailable, "")), cancelled.Token));
    }

    [Fact]
    public void EveryStatusCode_IsInTheTable()
    {
        // A status code added to gRPC must be placed on one side deliberately (the theory above lists 17).
        Assert.Equal(17, Enum.GetValues<StatusCode>().Length);
    }
}
