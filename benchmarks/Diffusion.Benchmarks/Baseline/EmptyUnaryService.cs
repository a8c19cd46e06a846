using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.Benchmarks.Baseline;

/// <summary>
/// The baseline of every harness: a unary method that does nothing (<c>google.protobuf.Empty</c> in and out), written
/// the way Grpc.Tools generates a service (a base class carrying <see cref="BindServiceMethodAttribute"/> and a virtual
/// method that grpc-dotnet binds by name), so it goes through exactly the same server and client paths as any real
/// method. Use <c>EmptyUnaryBaseline</c> to host and measure it next to the calls a harness is about. The wire check
/// (benchmarks/Diffusion.WireCheck, which compiles this file too) serves it from a process of its own.
/// </summary>
[BindServiceMethod(typeof(EmptyServiceBase), nameof(BindService))]
internal abstract class EmptyServiceBase
{
    private static readonly Marshaller<Empty> Marshaller = Marshallers.Create(m => m.ToByteArray(), Empty.Parser.ParseFrom);

    public static readonly Method<Empty, Empty> PingMethod =
        new(MethodType.Unary, "diffusion.benchmarks.v1.EmptyService", "Ping", Marshaller, Marshaller);

    public abstract Task<Empty> Ping(Empty request, ServerCallContext context);

    public static void BindService(ServiceBinderBase serviceBinder, EmptyServiceBase? serviceImpl)
    {
        ArgumentNullException.ThrowIfNull(serviceBinder);
        serviceBinder.AddMethod(PingMethod, serviceImpl is null ? null : serviceImpl.Ping);
    }
}

/// <inheritdoc cref="EmptyServiceBase"/>
internal sealed class EmptyUnaryService : EmptyServiceBase
{
    private static readonly Task<Empty> Done = Task.FromResult(new Empty());

    public override Task<Empty> Ping(Empty request, ServerCallContext context) => Done;
}
