using Diffusion.Classification.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.Classification.Tests.Service;

[Collection(ClassificationServiceCollection.Name)]
public sealed class ValidationTests(ClassificationServiceFixture service)
{
    private static ClassifyRequest ValidChip(Action<ChipSpec> change)
    {
        var chip = new ChipSpec { Name = "test", ApplicableDieAreaMm2 = 800 };
        chip.Rates.Add(new ComputeRate { BitLength = 8, DenseTops = 1000 });
        chip.Rates.Add(new ComputeRate { BitLength = 16, DenseTops = 500 });
        change(chip);
        return new ClassifyRequest { Chip = chip };
    }

    public static TheoryData<string, ClassifyRequest, string> BadRequests => new()
    {
        { "no item", new ClassifyRequest(), "item: " },
        { "no rates", ValidChip(c => c.Rates.Clear()), "chip.rates: " },
        { "bit length 0", ValidChip(c => c.Rates[1].BitLength = 0), "chip.rates[1].bit_length: " },
        { "negative TOPS", ValidChip(c => c.Rates[0].DenseTops = -1), "chip.rates[0].dense_tops: " },
        { "NaN TOPS", ValidChip(c => c.Rates[0].DenseTops = double.NaN), "chip.rates[0].dense_tops: " },
        { "infinite TOPS", ValidChip(c => c.Rates[1].DenseTops = double.PositiveInfinity), "chip.rates[1].dense_tops: " },
        { "zero area", ValidChip(c => c.ApplicableDieAreaMm2 = 0), "chip.applicable_die_area_mm2: " },
        { "negative area", ValidChip(c => c.ApplicableDieAreaMm2 = -5), "chip.applicable_die_area_mm2: " },
        { "NaN area", ValidChip(c => c.ApplicableDieAreaMm2 = double.NaN), "chip.applicable_die_area_mm2: " },
        { "infinite area", ValidChip(c => c.ApplicableDieAreaMm2 = double.PositiveInfinity), "chip.applicable_die_area_mm2: " },
        { "area rounding to 0", ValidChip(c => c.ApplicableDieAreaMm2 = 1e-30), "chip.applicable_die_area_mm2: must be > 0" },
        { "density out of range", ValidChip(c => { c.Rates[0].DenseTops = 1e15; c.ApplicableDieAreaMm2 = 1e-20; }), "chip: the figures combine" },
        { "memory density out of range", new ClassifyRequest { Memory = new MemorySpec { BandwidthGbPerS = 1e15, PackageAreaMm2 = 1e-20 } }, "memory: the figures combine" },
        { "bit length too large", ValidChip(c => c.Rates[0].BitLength = uint.MaxValue), "chip.rates[0].bit_length: " },
        { "TOPS too large", ValidChip(c => c.Rates[0].DenseTops = 1e300), "chip.rates[0].dense_tops: " },
        { "NaN bandwidth", ValidChip(c => c.TotalDramBandwidthGbPerS = double.NaN), "chip.total_dram_bandwidth_gb_per_s: " },
        { "memory zero area", new ClassifyRequest { Memory = new MemorySpec { BandwidthGbPerS = 800 } }, "memory.package_area_mm2: " },
        { "memory negative bandwidth", new ClassifyRequest { Memory = new MemorySpec { BandwidthGbPerS = -1, PackageAreaMm2 = 100 } }, "memory.bandwidth_gb_per_s: " },
        { "empty known chip", new ClassifyRequest { KnownChip = " " }, "known_chip: " },
        { "unknown rule set", new ClassifyRequest { KnownChip = "H100", RuleSet = "ai-diffusion-2025" }, "rule_set: unknown rule set 'ai-diffusion-2025'" },
        { "before any rule set", new ClassifyRequest { KnownChip = "H100", AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)) }, "as_of: no rule set in force on 2020-01-01" },
        { "65 rates", ValidChip(c => c.Rates.Add(Enumerable.Range(0, 63).Select(i => new ComputeRate { BitLength = 8, DenseTops = i }))), "chip.rates: at most 64 rates, got 65" },
        { "rule set with NUL", new ClassifyRequest { KnownChip = "H100", RuleSet = "aid-2026\0" }, "rule_set: must not contain control characters" },
        { "rule set of 201 characters", new ClassifyRequest { KnownChip = "H100", RuleSet = new string('r', 201) }, "rule_set: at most 200 characters, was 201" },
        { "invalid timestamp", new ClassifyRequest { KnownChip = "H100", AsOf = new Timestamp { Seconds = 1, Nanos = -5 } }, "as_of: " },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Classify_BadRequest_InvalidArgumentNamingTheField(string what, ClassifyRequest request, string messageStart)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => service.Client.ClassifyAsync(request).ResponseAsync);

        Assert.True(e.StatusCode == StatusCode.InvalidArgument, $"{what}: {e.Status}");
        Assert.StartsWith(messageStart, e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_UnknownKnownChip_NotFoundNamingTheField()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => service.Client.ClassifyAsync(new ClassifyRequest { KnownChip = "NVIDIA H300" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.StartsWith("known_chip: no chip named 'NVIDIA H300'", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_HostileKnownChip_InvalidArgumentWithABoundedMessage()
    {
        foreach (var hostile in new[] { "H100\u0000", new string('H', 100_000) })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => service.Client.ClassifyAsync(new ClassifyRequest { KnownChip = hostile }).ResponseAsync);

            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.StartsWith("known_chip:", e.Status.Detail, StringComparison.Ordinal);
            Assert.True(e.Status.Detail.Length < 300, $"{e.Status.Detail.Length} characters");
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x2a, 0x0a, 0x4e, 0x56 })] // known_chip (field 5) said to be 10 bytes long, then 2
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })] // a varint that never ends
    public async Task Classify_BytesThatAreNotAMessage_InternalNamingTheRequestType(byte[] body)
    {
        // gRPC's status code table: "error parsing request proto" is INTERNAL (grpc-dotnet alone answered UNKNOWN, as for a crash).
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(service.Address, Diffusion.Testing.Auth.TestTokens.WithToken());
        var bytes = Marshallers.Create(b => b, b => b);
        var classify = new Method<byte[], byte[]>(MethodType.Unary, ClassificationService.Descriptor.FullName, "Classify", bytes, bytes);

        var e = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(classify, null, new CallOptions(), body).ResponseAsync);

        Assert.Equal(StatusCode.Internal, e.StatusCode);
        Assert.StartsWith("request: not a valid diffusion.classification.v1.ClassifyRequest message (", e.Status.Detail, StringComparison.Ordinal);
    }
}
