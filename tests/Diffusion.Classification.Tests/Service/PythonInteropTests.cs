using Diffusion.Classification.V1;
using Diffusion.ServiceDefaults.Security;
using Diffusion.Testing.Auth;
using Diffusion.Testing.Processes;
using Google.Protobuf;

namespace Diffusion.Classification.Tests.Service;

/// <summary>
/// Debian's python3-grpcio calls the service (a real gRPC stack on the other side). The request is serialized here
/// and sent by Python as raw bytes on the method path, so no Python stubs need generating.
/// </summary>
[Collection(ClassificationServiceCollection.Name)]
public sealed class PythonInteropTests(ClassificationServiceFixture service)
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import sys, grpc
        address, method, payload, token = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3]), sys.argv[4]
        metadata = [("authorization", "Bearer " + token)] if token else None
        with grpc.insecure_channel(address) as channel:
            call = channel.unary_unary(method)
            try:
                print("OK " + call(payload, timeout=10, metadata=metadata).hex())
            except grpc.RpcError as e:
                print("ERROR %s %s" % (e.code().name, e.details()))
        """;

    /// <summary>Calls as <paramref name="token"/> (default: an exporter's; "" for no token at all).</summary>
    private async Task<string> CallAsync(string method, IMessage request, string? token = null) => (await ProcessRunner.RunAsync(
        Python,
        ["-c", Script, $"{service.Address.Host}:{service.Address.Port}", method, Convert.ToHexString(request.ToByteArray()), token ?? TestTokens.Create("python", Roles.Exporter)],
        TimeSpan.FromSeconds(30))).Trim();

    [Fact]
    public async Task Python_NoToken_Unauthenticated_AuditorClassifying_PermissionDeniedNamingTheRoles()
    {
        var anonymous = await CallAsync("/diffusion.classification.v1.ClassificationService/Classify", new ClassifyRequest { KnownChip = "A100" }, token: "");
        var auditor = await CallAsync("/diffusion.classification.v1.ClassificationService/Classify", new ClassifyRequest { KnownChip = "A100" }, TestTokens.Create("python", Roles.Auditor));

        Assert.StartsWith("ERROR UNAUTHENTICATED ", anonymous, StringComparison.Ordinal);
        Assert.Equal("ERROR PERMISSION_DENIED diffusion.classification.v1.ClassificationService/Classify requires role exporter or officer or service", auditor);
    }

    [Fact]
    public async Task Python_Classify_KnownChip()
    {
        var output = await CallAsync("/diffusion.classification.v1.ClassificationService/Classify", new ClassifyRequest { KnownChip = "A100", RuleSet = "acr-2023" });

        Assert.StartsWith("OK ", output, StringComparison.Ordinal);
        var response = ClassifyResponse.Parser.ParseFrom(Convert.FromHexString(output[3..]));
        Assert.Equal("3A090.a.1", response.Paragraph);
        Assert.Equal(4992, response.Tpp);
    }

    [Fact]
    public async Task Python_Classify_BadRequest_GetsInvalidArgumentWithTheField()
    {
        var chip = new ChipSpec { ApplicableDieAreaMm2 = 0 };
        chip.Rates.Add(new ComputeRate { BitLength = 8, DenseTops = 100 });

        var output = await CallAsync("/diffusion.classification.v1.ClassificationService/Classify", new ClassifyRequest { Chip = chip });

        Assert.StartsWith("ERROR INVALID_ARGUMENT chip.applicable_die_area_mm2: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Python_ListKnownChips()
    {
        var output = await CallAsync("/diffusion.classification.v1.ClassificationService/ListKnownChips", new ListKnownChipsRequest());

        var response = ListKnownChipsResponse.Parser.ParseFrom(Convert.FromHexString(output[3..]));
        Assert.Contains(response.Chips, c => c.Spec.Name == "NVIDIA H100 SXM");
    }
}
