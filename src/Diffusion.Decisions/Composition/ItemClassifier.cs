using System.Globalization;
using Diffusion.Classification.V1;
using Diffusion.Common.V1;
using Diffusion.Decisions.Streaming;
using Diffusion.Decisions.V1;
using Diffusion.Rules.Decisions;
using Diffusion.Rules.Hosting;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.Decisions.Composition;

/// <summary>
/// Classifies every chip, memory part and assembly of an order through the Classification service, in one
/// ClassifyBatch call for the whole order (lines and assembly parts alike; a call per item cost a round trip each).
/// An assembly is classified by the chips inside it (4A090 follows them).
/// </summary>
internal sealed class ItemClassifier(ClassificationService.ClassificationServiceClient classification, Downstream downstream)
{
    /// <summary>
    /// The classification of every non-weights line of <paramref name="order"/>, keyed by line index, under
    /// <paramref name="ruleSet"/> as of <paramref name="asOf"/>; <paramref name="memo"/> holds the answers of the order
    /// book the order is part of (DecideStream), or is null. <paramref name="cancellationToken"/> cancels the call.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, ClassifiedLine>> ClassifyAsync(
        DecideRequest order, string ruleSet, Timestamp asOf, ClassificationMemo? memo, CancellationToken cancellationToken)
    {
        // Every item to classify, with the field an error names and where its answer goes (line, and part or -1).
        var batch = new ClassifyBatchRequest();
        var items = new List<(string Field, int Line, int Part)>();
        void Add(ClassifyRequest request, string field, int line, int part)
        {
            batch.Items.Add(request);
            items.Add((field, line, part));
        }

        for (var i = 0; i < order.Items.Count; i++)
        {
            var item = order.Items[i];
            switch (item.ItemCase)
            {
                case OrderItem.ItemOneofCase.Chip:
                    Add(new ClassifyRequest { Chip = item.Chip }, $"items[{i}].chip", i, -1);
                    break;
                case OrderItem.ItemOneofCase.KnownChip:
                    Add(new ClassifyRequest { KnownChip = item.KnownChip }, $"items[{i}].known_chip", i, -1);
                    break;
                case OrderItem.ItemOneofCase.Memory:
                    Add(new ClassifyRequest { Memory = item.Memory }, $"items[{i}].memory", i, -1);
                    break;
                case OrderItem.ItemOneofCase.Assembly:
                    for (var p = 0; p < item.Assembly.Parts.Count; p++)
                    {
                        var part = item.Assembly.Parts[p];
                        Add(part.ChipCase == AssemblyPart.ChipOneofCase.Spec ? new ClassifyRequest { Chip = part.Spec } : new ClassifyRequest { KnownChip = part.KnownChip },
                            $"items[{i}].assembly.parts[{p}]", i, p);
                    }

                    break;
                default:
                    break;
            }
        }

        var lines = new Dictionary<int, ClassifiedLine>();
        if (batch.Items.Count == 0)
        {
            return lines;
        }

        // The items alone (before the rule set and instant are set on each) key the memo, with the rule set and the
        // as-of day: the day is all Classification reads of the instant.
        var key = memo is null ? null
            : string.Concat(ruleSet, "|", asOf.ToDateTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "|", batch.ToByteString().ToBase64());
        foreach (var request in batch.Items)
        {
            request.RuleSet = ruleSet;
            request.AsOf = asOf;
        }

        Task<ClassifyBatchResponse> Call() => downstream.CallAsync("classification", o => classification.ClassifyBatchAsync(batch, o), cancellationToken);
        var answer = await (memo is null ? Call() : memo.GetOrCallAsync(key!, Call)).ConfigureAwait(false);
        if (answer.Results.Count != items.Count)
        {
            throw new RpcException(new Status(StatusCode.Unavailable,
                $"classification service answered {answer.Results.Count} results for {items.Count} items; no decision made and nothing reserved"));
        }

        var parts = new Dictionary<int, List<AssemblyChip>>();
        for (var k = 0; k < items.Count; k++)
        {
            var (field, line, part) = items[k];
            var result = answer.Results[k];
            if (result.ResultCase != ClassifyResult.ResultOneofCase.Classification)
            {
                throw ItemFailed(field, result.Error);
            }

            var classified = ClassifiedLine.Of(result.Classification, batch.Items[k]);
            if (part < 0)
            {
                lines[line] = classified;
            }
            else
            {
                (parts.TryGetValue(line, out var chips) ? chips : parts[line] = []).Add(new AssemblyChip(classified, order.Items[line].Assembly.Parts[part].Count));
            }
        }

        foreach (var (line, chips) in parts)
        {
            lines[line] = ClassifiedLine.OfAssembly(order.Items[line].Assembly.Name, chips);
        }

        return lines;
    }

    private static RpcException ItemFailed(string field, ItemError? error)
    {
        var status = error?.ToStatus() ?? new Status(StatusCode.Internal, "classification answered an item with neither a classification nor an error");

        // The item itself is wrong (a bad spec, an unknown catalogue chip): the caller's error, with its field.
        return status.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound
            ? new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: {status.Detail}"))
            : new RpcException(status);
    }
}

/// <summary>One chip inside an assembly, with how many of it.</summary>
internal sealed record AssemblyChip(ClassifiedLine Chip, uint Count);

/// <summary>What the classification found for one line, with the Classification service's reasons.</summary>
internal sealed record ClassifiedLine(ItemClassification Classification, IReadOnlyList<Diffusion.Common.V1.Reason> Reasons)
{
    public static ClassifiedLine Of(ClassifyResponse response, ClassifyRequest request)
    {
        var memory = request.ItemCase == ClassifyRequest.ItemOneofCase.Memory;
        var name = response.ItemName.Length > 0 ? response.ItemName
            : request.ItemCase switch
            {
                ClassifyRequest.ItemOneofCase.Chip => request.Chip.Name,
                ClassifyRequest.ItemOneofCase.KnownChip => request.KnownChip,
                _ => request.Memory.Name,
            };
        var dram = response.Chip?.TotalDramBandwidthGbPerS
            ?? (request.ItemCase == ClassifyRequest.ItemOneofCase.Chip ? request.Chip.TotalDramBandwidthGbPerS : 0);
        var classification = new ItemClassification(
            name,
            memory ? ItemKind.Memory : ItemKind.Chip,
            response.Eccn,
            response.Paragraph,
            memory ? 0 : response.Tpp,
            memory ? 0 : response.H100Equivalents,
            response.Datacenter,
            response.LicenseExceptions.ToHashSet(StringComparer.Ordinal),
            memory ? 0 : response.Tpp,
            dram);
        return new ClassifiedLine(classification, response.Reasons);
    }

    public static ClassifiedLine OfAssembly(string name, IReadOnlyList<AssemblyChip> parts) => new(
        ItemClassification.OfAssembly(name, [.. parts.Select(p => (p.Chip.Classification, p.Count))]),
        [.. parts.SelectMany(p => p.Chip.Reasons)]);
}
