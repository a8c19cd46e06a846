using System.Text.RegularExpressions;
using Diffusion.Classification.V1;
using Diffusion.Decisions.V1;
using Diffusion.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Diffusion.Decisions.Grpc;

/// <summary>Checks the shape of an order; the first problem becomes INVALID_ARGUMENT naming the field.</summary>
internal static partial class OrderValidation
{
    /// <summary>The most lines one order may have.</summary>
    public const int MaxItems = 1000;

    /// <summary>
    /// The most parts one assembly may list (each part has its own count, so this bounds the kinds of chip in it, not
    /// their number); each part is one classification call.
    /// </summary>
    public const int MaxParts = 100;

    /// <summary>The most rule sets one WhatIf may compare (each is a whole decision).</summary>
    public const int MaxRuleSets = 8;

    /// <summary>Throws INVALID_ARGUMENT for the first problem found; <paramref name="prefix"/> prefixes field names (e.g. "order.").</summary>
    public static void Validate(DecideRequest order, bool requireOrderId, string prefix = "")
    {
        if (order is null)
        {
            throw Invalid(prefix.TrimEnd('.'), "required");
        }

        var problem = Problem(order, requireOrderId);
        if (problem is { } p)
        {
            throw Invalid(prefix + p.Field, p.Message);
        }
    }

    /// <summary>Throws INVALID_ARGUMENT for the first problem of a WhatIf's rule set ids: none, too many, empty, not an id.</summary>
    public static void ValidateRuleSets(IReadOnlyList<string> ruleSets)
    {
        if (ruleSets.Count is < 1 or > MaxRuleSets)
        {
            throw Invalid("rule_sets", $"name 1 to {MaxRuleSets} rule sets to compare, got {ruleSets.Count}");
        }

        for (var i = 0; i < ruleSets.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(ruleSets[i]))
            {
                throw Invalid($"rule_sets[{i}]", "must not be empty");
            }

            if (RequestText.Problem(ruleSets[i]) is { } problem)
            {
                throw Invalid($"rule_sets[{i}]", problem);
            }
        }
    }

    /// <summary>Throws INVALID_ARGUMENT unless <paramref name="orderId"/> is a usable order id.</summary>
    public static void ValidateOrderId(string orderId)
    {
        if (OrderIdProblem(orderId) is { } problem)
        {
            throw Invalid("order_id", problem);
        }
    }

    public static RpcException Invalid(string field, string message) =>
        new(new Status(StatusCode.InvalidArgument, $"{field}: {message}"));

    private static (string Field, string Message)? Problem(DecideRequest order, bool requireOrderId)
    {
        if ((requireOrderId || order.OrderId.Length > 0) && OrderIdProblem(order.OrderId) is { } idProblem)
        {
            return ("order_id", idProblem);
        }

        if (order.AsOf is { } asOf && !IsTimestamp(asOf))
        {
            return ("as_of", "is not a valid timestamp");
        }

        foreach (var (field, value, max) in new[]
        {
            ("exporter", order.Exporter, RequestText.MaxTextLength),
            ("end_use", order.EndUse, RequestText.MaxTextLength),
            ("rule_set", order.RuleSet, RequestText.MaxIdLength),
        })
        {
            if (RequestText.Problem(value, max) is { } textProblem)
            {
                return (field, textProblem);
            }
        }

        if (order.Items.Count == 0)
        {
            return ("items", "an order needs at least one item");
        }

        if (order.Items.Count > MaxItems)
        {
            return ("items", $"at most {MaxItems} items per order");
        }

        for (var i = 0; i < order.Items.Count; i++)
        {
            if (ItemProblem(order.Items[i], $"items[{i}]") is { } itemProblem)
            {
                return itemProblem;
            }
        }

        if (!IsCountry(order.DestinationCountry))
        {
            return ("destination_country", $"{RequestText.Quote(order.DestinationCountry)} is not an assigned ISO 3166-1 alpha-2 code");
        }

        if (order.OriginCountry.Length > 0 && !IsCountry(order.OriginCountry))
        {
            return ("origin_country", $"{RequestText.Quote(order.OriginCountry)} is not an assigned ISO 3166-1 alpha-2 code");
        }

        if (order.Consignee is null)
        {
            return ("consignee", "required");
        }

        if (string.IsNullOrWhiteSpace(order.Consignee.Id))
        {
            return ("consignee.id", "required");
        }

        if (RequestText.Problem(order.Consignee.Id) is { } consigneeProblem)
        {
            return ("consignee.id", consigneeProblem);
        }

        if (RequestText.Problem(order.Consignee.VeuId) is { } veuProblem)
        {
            return ("consignee.veu_id", veuProblem);
        }

        if (ConsigneeIdentityProblem(order.Consignee) is { } identityProblem)
        {
            return identityProblem;
        }

        if (PartyValidation.Problem(order) is { } partyProblem)
        {
            return partyProblem;
        }

        if (order.Consignee.Id.Contains('/', StringComparison.Ordinal))
        {
            return ("consignee.id", "must not contain '/' (it names the consignee's LPP bucket)");
        }

        if (order.Consignee.HeadquartersCountry.Length > 0 && !IsCountry(order.Consignee.HeadquartersCountry))
        {
            return ("consignee.headquarters_country", $"{RequestText.Quote(order.Consignee.HeadquartersCountry)} is not an assigned ISO 3166-1 alpha-2 code");
        }

        if (order.Consignee.ParentHeadquartersCountry.Length > 0 && !IsCountry(order.Consignee.ParentHeadquartersCountry))
        {
            return ("consignee.parent_headquarters_country", $"{RequestText.Quote(order.Consignee.ParentHeadquartersCountry)} is not an assigned ISO 3166-1 alpha-2 code");
        }

        return null;
    }

    /// <summary>The most owners one consignee may list.</summary>
    public const int MaxOwners = 100;

    /// <summary>Names bounded and free of control characters; owners' shares 0-100 and lists known.</summary>
    private static (string, string)? ConsigneeIdentityProblem(Consignee consignee)
    {
        foreach (var (field, value) in new[] { ("consignee.name", consignee.Name), ("consignee.parent_name", consignee.ParentName) })
        {
            if (RequestText.Problem(value, RequestText.MaxTextLength) is { } problem)
            {
                return (field, problem);
            }
        }

        if (consignee.Owners.Count > MaxOwners)
        {
            return ("consignee.owners", $"at most {MaxOwners} owners");
        }

        for (var i = 0; i < consignee.Owners.Count; i++)
        {
            var owner = consignee.Owners[i];
            var field = $"consignee.owners[{i}]";
            if (string.IsNullOrWhiteSpace(owner.Name))
            {
                return (field + ".name", "required");
            }

            if (RequestText.Problem(owner.Name, RequestText.MaxTextLength) is { } problem)
            {
                return (field + ".name", problem);
            }

            if (owner.HasSharePercent && (!double.IsFinite(owner.SharePercent) || owner.SharePercent is < 0 or > 100))
            {
                return (field + ".share_percent", "must be between 0 and 100, or unset when not known");
            }

            if (owner.ListedOn is not ("" or "entity-list" or "military-end-user" or "sdn"))
            {
                return (field + ".listed_on", $"{RequestText.Quote(owner.ListedOn)} is not one of \"\", entity-list, military-end-user, sdn");
            }
        }

        return null;
    }

    private static (string, string)? ItemProblem(OrderItem item, string field)
    {
        if (item.Quantity < 1)
        {
            return (field + ".quantity", "must be at least 1");
        }

        switch (item.ItemCase)
        {
            case OrderItem.ItemOneofCase.None:
                return (field, "one of chip, known_chip, memory, assembly or model_weights is required");
            case OrderItem.ItemOneofCase.Chip:
                return ChipProblem(item.Chip, field + ".chip");
            case OrderItem.ItemOneofCase.KnownChip:
                return NameProblem(item.KnownChip, field + ".known_chip", required: true);
            case OrderItem.ItemOneofCase.Memory:
                return MemoryProblem(item.Memory, field + ".memory");
            case OrderItem.ItemOneofCase.Assembly:
                return AssemblyProblem(item.Assembly, field + ".assembly");
            case OrderItem.ItemOneofCase.ModelWeights:
                return WeightsProblem(item.ModelWeights, field + ".model_weights");
            default:
                return null;
        }
    }

    private static (string, string)? ChipProblem(ChipSpec chip, string field)
    {
        if (NameProblem(chip.Name, field + ".name", required: false) is { } nameProblem)
        {
            return nameProblem;
        }

        if (chip.Rates.Count == 0)
        {
            return (field + ".rates", "at least one compute rate is required");
        }

        for (var r = 0; r < chip.Rates.Count; r++)
        {
            var rate = chip.Rates[r];
            if (rate.BitLength == 0)
            {
                return ($"{field}.rates[{r}].bit_length", "must be at least 1");
            }

            if (!double.IsFinite(rate.DenseTops) || rate.DenseTops < 0)
            {
                return ($"{field}.rates[{r}].dense_tops", "must be a finite number, not negative");
            }
        }

        if (!double.IsFinite(chip.ApplicableDieAreaMm2) || chip.ApplicableDieAreaMm2 < 0)
        {
            return (field + ".applicable_die_area_mm2", "must be a finite number, not negative");
        }

        return !double.IsFinite(chip.TotalDramBandwidthGbPerS) || chip.TotalDramBandwidthGbPerS < 0
            ? (field + ".total_dram_bandwidth_gb_per_s", "must be a finite number, not negative")
            : null;
    }

    private static (string, string)? MemoryProblem(MemorySpec memory, string field)
    {
        if (NameProblem(memory.Name, field + ".name", required: false) is { } nameProblem)
        {
            return nameProblem;
        }

        if (!double.IsFinite(memory.BandwidthGbPerS) || memory.BandwidthGbPerS <= 0)
        {
            return (field + ".bandwidth_gb_per_s", "must be a positive number");
        }

        return !double.IsFinite(memory.PackageAreaMm2) || memory.PackageAreaMm2 <= 0
            ? (field + ".package_area_mm2", "must be a positive number")
            : null;
    }

    private static (string, string)? AssemblyProblem(Assembly assembly, string field)
    {
        if (NameProblem(assembly.Name, field + ".name", required: false) is { } nameProblem)
        {
            return nameProblem;
        }

        if (assembly.Parts.Count == 0)
        {
            return (field + ".parts", "an assembly needs at least one chip");
        }

        if (assembly.Parts.Count > MaxParts)
        {
            return (field + ".parts", $"at most {MaxParts} parts per assembly, got {assembly.Parts.Count}");
        }

        for (var p = 0; p < assembly.Parts.Count; p++)
        {
            var part = assembly.Parts[p];
            var partField = $"{field}.parts[{p}]";
            if (part.Count < 1)
            {
                return (partField + ".count", "must be at least 1");
            }

            switch (part.ChipCase)
            {
                case AssemblyPart.ChipOneofCase.None:
                    return (partField, "one of spec or known_chip is required");
                case AssemblyPart.ChipOneofCase.Spec when ChipProblem(part.Spec, partField + ".spec") is { } problem:
                    return problem;
                case AssemblyPart.ChipOneofCase.KnownChip when NameProblem(part.KnownChip, partField + ".known_chip", required: true) is { } problem:
                    return problem;
                default:
                    break;
            }
        }

        return null;
    }

    private static (string, string)? WeightsProblem(ModelWeights weights, string field)
    {
        if (string.IsNullOrWhiteSpace(weights.ModelName))
        {
            return (field + ".model_name", "required");
        }

        if (NameProblem(weights.ModelName, field + ".model_name", required: true) is { } nameProblem)
        {
            return nameProblem;
        }

        foreach (var (name, value) in new[]
        {
            ("training_operations", weights.TrainingOperations),
            ("base_model_operations", weights.BaseModelOperations),
            ("additional_operations", weights.AdditionalOperations),
            ("generator_operations", weights.GeneratorOperations),
            ("generator_operations_already_counted", weights.GeneratorOperationsAlreadyCounted),
            ("generation_operations", weights.GenerationOperations),
        })
        {
            if (!double.IsFinite(value) || value < 0)
            {
                return ($"{field}.{name}", "must be a finite number, not negative");
            }
        }

        return weights.SyntheticDataShare is < 0 or > 1 || double.IsNaN(weights.SyntheticDataShare)
            ? (field + ".synthetic_data_share", "must be between 0 and 1")
            : null;
    }

    /// <summary>A name or catalogue id: at most <see cref="RequestText.MaxIdLength"/> characters, no control characters.</summary>
    private static (string, string)? NameProblem(string value, string field, bool required)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            return (field, "must not be empty");
        }

        return RequestText.Problem(value) is { } problem ? (field, problem) : null;
    }

    /// <summary>Inside protobuf's Timestamp range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.</summary>
    internal static bool IsTimestamp(Timestamp timestamp) =>
        timestamp.Seconds is >= -62135596800L and <= 253402300799L && timestamp.Nanos is >= 0 and <= 999_999_999;

    private static string? OrderIdProblem(string orderId)
    {
        if (string.IsNullOrWhiteSpace(orderId))
        {
            return "required (decisions are idempotent on it)";
        }

        return OrderIdPattern().IsMatch(orderId) ? null : "use 1 to 128 characters of letters, digits and . _ : -";
    }

    private static bool IsCountry(string code) => Diffusion.Rules.Countries.Iso3166.IsAssigned(code);

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex OrderIdPattern();
}
