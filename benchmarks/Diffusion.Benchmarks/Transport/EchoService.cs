using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.Benchmarks.Transport;

/// <summary>A unary method that returns its request (<c>google.protobuf.BytesValue</c>): the gRPC side of the echo comparison.</summary>
[BindServiceMethod(typeof(EchoService), nameof(BindService))]
internal sealed class EchoService
{
    private static readonly Marshaller<BytesValue> Marshaller = Marshallers.Create(m => m.ToByteArray(), BytesValue.Parser.ParseFrom);

    public static readonly Method<BytesValue, BytesValue> EchoMethod =
        new(MethodType.Unary, "diffusion.benchmarks.v1.EchoService", "Echo", Marshaller, Marshaller);

    public Task<BytesValue> Echo(BytesValue request, ServerCallContext context) => Task.FromResult(request);

    public static void BindService(ServiceBinderBase serviceBinder, EchoService? serviceImpl)
    {
        ArgumentNullException.ThrowIfNull(serviceBinder);
        serviceBinder.AddMethod(EchoMethod, serviceImpl is null ? null : serviceImpl.Echo);
    }
}
