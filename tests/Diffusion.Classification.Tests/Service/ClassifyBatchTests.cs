using Diffusion.Classification.V1;
using Grpc.Core;

namespace Diffusion.Classification.Tests.Service;

/// <summary>ClassifyBatch answers each item as Classify answers it alone, errors included, over real gRPC.</summary>
[Collection(ClassificationServiceCollection.Name)]
public sealed class ClassifyBatchTests(ClassificationServiceFixture service)
{
    [Fact]
    public async Task ClassifyBatch_EachItemAnsweredAsClassifyAlone_BadItemsWithClassifysError_InOrder()
    {
        var spec = new ChipSpec { Name = "spec", ApplicableDieAreaMm2 = 800, Rates = { new ComputeRate { BitLength = 8, DenseTops = 1000 } } };
        var items = new List<ClassifyRequest>
        {
            new() { KnownChip = "NVIDIA H100 SXM" },
            new() { KnownChip = "NVIDIA H300" },                                     // NOT_FOUND
            new() { Chip = spec },
            new() { Memory = new MemorySpec { Name = "HBM3E", BandwidthGbPerS = 1229, PackageAreaMm2 = 121 } },
            new() { Chip = new ChipSpec { Name = "no rates", ApplicableDieAreaMm2 = 1 } },   // INVALID_ARGUMENT
            new() { KnownChip = "NVIDIA H200 SXM", RuleSet = "acr-2023" },
        };
        var batch = new ClassifyBatchRequest();
        batch.Items.Add(items.Select(i => i.Clone()));

        var answer = await service.Client.ClassifyBatchAsync(batch);

        Assert.Equal(items.Count, answer.Results.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var result = answer.Results[i];
            try
            {
                var alone = await service.Client.ClassifyAsync(items[i]);
                Assert.Equal(alone, result.Classification);
            }
            catch (RpcException e)
            {
                Assert.Equal(ClassifyResult.ResultOneofCase.Error, result.ResultCase);
                Assert.Equal((int)e.StatusCode, result.Error.Code);
                Assert.Equal(e.Status.Detail, result.Error.Message);
            }
        }

        Assert.Equal("NOT_FOUND", answer.Results[1].Error.Status);
        Assert.Equal("INVALID_ARGUMENT", answer.Results[4].Error.Status);
        Assert.StartsWith("chip.rates:", answer.Results[4].Error.Message, StringComparison.Ordinal);
        Assert.Equal("3A090.a", answer.Results[0].Classification.Eccn);
    }

    [Fact]
    public async Task ClassifyBatch_NoItems_InvalidArgumentNamingItems()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => service.Client.ClassifyBatchAsync(new ClassifyBatchRequest()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("items: 1 to 100000 items, got 0", e.Status.Detail, StringComparison.Ordinal);
    }
}
