namespace Grpc.Core;

/// <summary>
/// The invoker of a client built with the parameterless constructor generated code declares (meant for test
/// doubles that override the calls). It has nowhere to send a call, so every call fails with FAILED_PRECONDITION
/// naming the fix, the way any other call failure reaches a caller: as an <see cref="RpcException"/>.
/// </summary>
internal sealed class ChannellessCallInvoker : CallInvoker
{
    internal const string Message = "this client was created without a channel: construct it with a GrpcChannel or a CallInvoker";

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw Fail(method);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw Fail(method);

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw Fail(method);

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw Fail(method);

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw Fail(method);

    private static RpcException Fail(IMethod method) => new(new Status(StatusCode.FailedPrecondition, $"{method.FullName}: {Message}"));
}
