using Diffusion.Classification.V1;
using Diffusion.Decisions.V1;
using Diffusion.Rules.Decisions;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.Decisions.Composition;

/// <summary>
/// Classifies every chip, memory part and assembly of an order through the Classification service, all calls at once.
/// An assembly is classified by the chips inside it (4A090 follows them).
/// </summary>
internal sealed class ItemClassifier(ClassificationService.ClassificationServiceClient classification, Downstream downstream)
{
    /// <summary>The classification of every non-weights line, keyed by line index.</summary>
    public async Task<IReadOnlyDictionary<int, ClassifiedLine>> ClassifyAsync(
        DecideRequest order, string ruleSet, Timestamp asOf, CancellationToken cancellationToken)
    {
        var calls = new List<Task<(int Index, ClassifiedLine Line)>>();
        for (var i = 0; i < order.Items.Count; i++)
        {
            var index = i;
            var item = order.Items[i];
            switch (item.ItemCase)
            {
                case OrderItem.ItemOneofCase.Chip:
                    calls.Add(ClassifyLineAsync(index, $"items[{index}].chip", new ClassifyRequest { Chip = item.Chip }));
                    break;
                case OrderItem.ItemOneofCase.KnownChip:
                    calls.Add(ClassifyLineAsync(index, $"items[{index}].known_chip", new ClassifyRequest { KnownChip = item.KnownChip }));
                    break;
                case OrderItem.ItemOneofCase.Memory:
                    calls.Add(ClassifyLineAsync(index, $"items[{index}].memory", new ClassifyRequest { Memory = item.Memory }));
                    break;
                case OrderItem.ItemOneofCase.Assembly:
                    calls.Add(ClassifyAssemblyAsync(index, item.Assembly));
                    break;
                default:
                    break;
            }
        }

        var lines = await Task.WhenAll(calls).ConfigureAwait(false);
        return lines.ToDictionary(l => l.Index, l => l.Line);

        async Task<(int, ClassifiedLine)> ClassifyLineAsync(int index, string field, ClassifyRequest request)
        {
            var response = await ClassifyAsync(field, request, ruleSet, asOf, cancellationToken).ConfigureAwait(false);
            return (index, ClassifiedLine.Of(response, request));
        }

        async Task<(int, ClassifiedLine)> ClassifyAssemblyAsync(int index, Assembly assembly)
        {
            // Awaited, not a continuation: a part's INVALID_ARGUMENT (an unknown chip) must reach the caller as itself,
            // not as the cancelled continuation of a faulted call.
            var parts = await Task.WhenAll(assembly.Parts.Select(async (part, p) =>
            {
                var field = $"items[{index}].assembly.parts[{p}]";
                var request = part.ChipCase == AssemblyPart.ChipOneofCase.Spec
                    ? new ClassifyRequest { Chip = part.Spec }
                    : new ClassifyRequest { KnownChip = part.KnownChip };
                var response = await ClassifyAsync(field, request, ruleSet, asOf, cancellationToken).ConfigureAwait(false);
                return new AssemblyChip(ClassifiedLine.Of(response, request), part.Count);
            })).ConfigureAwait(false);
            return (index, ClassifiedLine.OfAssembly(assembly.Name, parts));
        }
    }

    private async Task<ClassifyResponse> ClassifyAsync(string field, ClassifyRequest request, string ruleSet, Timestamp asOf, CancellationToken cancellationToken)
    {
        request.RuleSet = ruleSet;
        request.AsOf = asOf;
        try
        {
            return await downstream.CallAsync("classification", o => classification.ClassifyAsync(request, o), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound)
        {
            // The item itself is wrong (a bad spec, an unknown catalogue chip): the caller's error, with its field.
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: {e.Status.Detail}"));
        }
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
