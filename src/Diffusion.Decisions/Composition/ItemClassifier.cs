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
            var parts = await Task.WhenAll(assembly.Parts.Select((part, p) =>
            {
                var field = $"items[{index}].assembly.parts[{p}]";
                var request = part.ChipCase == AssemblyPart.ChipOneofCase.Spec
                    ? new ClassifyRequest { Chip = part.Spec }
                    : new ClassifyRequest { KnownChip = part.KnownChip };
                return ClassifyAsync(field, request, ruleSet, asOf, cancellationToken)
                    .ContinueWith(t => new AssemblyChip(ClassifiedLine.Of(t.Result, request), part.Count), cancellationToken, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
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

/// <summary>What the classification found for one line (for an assembly: combined over the chips inside).</summary>
internal sealed record ClassifiedLine(
    string Description,
    ItemKind Kind,
    string Eccn,
    string Paragraph,
    double TppEach,
    double H100EquivalentsEach,
    bool Datacenter,
    IReadOnlySet<string> LicenseExceptions,
    double MaxChipTpp,
    double MaxChipDramBandwidthGbPerS,
    IReadOnlyList<Diffusion.Common.V1.Reason> Reasons)
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
        return new ClassifiedLine(
            name,
            memory ? ItemKind.Memory : ItemKind.Chip,
            response.Eccn,
            response.Paragraph,
            memory ? 0 : response.Tpp,
            memory ? 0 : response.H100Equivalents,
            response.Datacenter,
            response.LicenseExceptions.ToHashSet(StringComparer.Ordinal),
            memory ? 0 : response.Tpp,
            dram,
            response.Reasons);
    }

    /// <summary>
    /// An assembly follows the chips inside: 4A090.a if any is 3A090.a, else 4A090.b if any is 3A090.b; its TPP is
    /// theirs summed; an exception is available only if every controlled chip inside is eligible for it.
    /// </summary>
    public static ClassifiedLine OfAssembly(string name, IReadOnlyList<AssemblyChip> parts)
    {
        var controlled = parts.Where(p => p.Chip.Eccn.Length > 0).ToList();
        var eccn = controlled.Any(p => p.Chip.Eccn.StartsWith("3A090.a", StringComparison.Ordinal)) ? "4A090.a"
            : controlled.Any(p => p.Chip.Eccn.StartsWith("3A090.b", StringComparison.Ordinal)) ? "4A090.b"
            : "";
        var exceptions = controlled.Count == 0
            ? new HashSet<string>(StringComparer.Ordinal)
            : controlled.Skip(1).Aggregate(
                controlled[0].Chip.LicenseExceptions.ToHashSet(StringComparer.Ordinal),
                (set, p) => { set.IntersectWith(p.Chip.LicenseExceptions); return set; });
        var chips = string.Join(", ", parts.Select(p => $"{p.Count} x {p.Chip.Description} ({(p.Chip.Eccn.Length > 0 ? p.Chip.Eccn : "not 3A090")})"));
        return new ClassifiedLine(
            name,
            ItemKind.Assembly,
            eccn,
            eccn.Length > 0 ? $"{eccn} (contains {chips}; the .z paragraphs follow the same chips)" : $"not 4A090 (contains {chips})",
            parts.Sum(p => p.Chip.TppEach * p.Count),
            parts.Sum(p => p.Chip.H100EquivalentsEach * p.Count),
            controlled.Any(p => p.Chip.Datacenter),
            exceptions,
            parts.Count == 0 ? 0 : parts.Max(p => p.Chip.MaxChipTpp),
            controlled.Count == 0 || controlled.Any(p => p.Chip.MaxChipDramBandwidthGbPerS <= 0) ? 0 : controlled.Max(p => p.Chip.MaxChipDramBandwidthGbPerS),
            [.. parts.SelectMany(p => p.Chip.Reasons)]);
    }
}
