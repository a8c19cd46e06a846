using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.Benchmarks.Quota;

/// <summary>
/// The transport's empty unary call (google.protobuf.Empty in, Empty out), bound the way generated code binds a
/// service: the baseline every quota number is divided by, served by the same Kestrel server in the same run.
/// </summary>
[BindServiceMethod(typeof(EmptyService), nameof(BindService))]
internal sealed class EmptyService
{
    private static readonly Marshaller<Empty> Marshaller = Marshallers.Create(
        (Empty message) => message.ToByteArray(),
        (byte[] bytes) => Empty.Parser.ParseFrom(bytes));

    /// <summary>/diffusion.benchmarks.v1.Empty/Call.</summary>
    public static Method<Empty, Empty> Call { get; } = new(MethodType.Unary, "diffusion.benchmarks.v1.Empty", "Call", Marshaller, Marshaller);

    private static readonly Task<Empty> Answer = Task.FromResult(new Empty());

    public static void BindService(ServiceBinderBase binder, EmptyService service) =>
        binder.AddMethod(Call, (Empty _, ServerCallContext _) => Answer);
}
