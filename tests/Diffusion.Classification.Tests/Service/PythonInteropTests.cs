using Diffusion.Classification.V1;
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
        address, method, payload = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
        with grpc.insecure_channel(address) as channel:
            call = channel.unary_unary(method)
            try:
                print("OK " + call(payload, timeout=10).hex())
            except grpc.RpcError as e:
                print("ERROR %s %s" % (e.code().name, e.details()))
        """;

    private async Task<string> CallAsync(string method, IMessage request) => (await ProcessRunner.RunAsync(
        Python,
        ["-c", Script, $"{service.Address.Host}:{service.Address.Port}", method, Convert.ToHexString(request.ToByteArray())],
        TimeSpan.FromSeconds(30))).Trim();

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
