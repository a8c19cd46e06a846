using Diffusion.EndUsers.Deployments;
using Diffusion.EndUsers.Licences;
using Diffusion.EndUsers.Quota;
using Diffusion.Licences.V1;
using Diffusion.Rules.Hosting;
using Diffusion.Rules.Quotas;
using Diffusion.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using DomainUnit = Diffusion.Rules.Decisions.LicenceUnit;

namespace Diffusion.EndUsers.Grpc;

/// <summary>
/// The gRPC adapter of the licence registry (hosted by EndUsers): checks each field (INVALID_ARGUMENT naming it),
/// records or reads, maps back. ALREADY_EXISTS when a number is reused for other terms, NOT_FOUND for an unknown
/// number, UNAVAILABLE when PostgreSQL or (for the remaining quantity) Quota is unreachable. Get and List answer each
/// licence with its Quota bucket's balance: what remains is what Quota holds, never a second count kept here.
/// </summary>
internal sealed class LicenceGrpcService(LicenceStore store, LicenceGrants grants, NveuQuota quota, TimeProvider time) : LicenceService.LicenceServiceBase
{
    /// <summary>Most ECCNs, items or conditions one licence may list.</summary>
    public const int MaxListed = 64;

    /// <summary>Most licences FindLicences answers for one order.</summary>
    public const int MaxFound = 100;

    public override Task<Licence> RecordLicence(RecordLicenceRequest request, ServerCallContext context) =>
        StatusGuard.Guard(async () =>
        {
            var l = request.Licence ?? throw new RequestException("licence", "must be set");
            var number = Number(l.Number, "licence.number");
            var eccns = Listed(l.Eccns, "licence.eccns");
            var items = Listed(l.Items, "licence.items");
            if (eccns.Count == 0 && items.Count == 0)
            {
                throw new RequestException("licence.eccns", "the licence must cover at least one ECCN or item");
            }

            var validFrom = RequestFields.Instant(l.ValidFrom, "licence.valid_from") ?? throw new RequestException("licence.valid_from", "required");
            var validUntil = RequestFields.Instant(l.ValidUntil, "licence.valid_until") ?? throw new RequestException("licence.valid_until", "required");
            if (validUntil <= validFrom)
            {
                throw new RequestException("licence.valid_until", "must be after valid_from");
            }

            var now = time.GetUtcNow();
            var record = new LicenceRecord(
                number,
                RequestFields.Id(l.Exporter, "licence.exporter"),
                RequestFields.Id(l.ConsigneeId, "licence.consignee_id"),
                RequestFields.Text(l.ConsigneeName, "licence.consignee_name"),
                RequestFields.Country(l.DestinationCountry, "licence.destination_country"),
                eccns,
                items,
                (DomainUnit)RequestFields.Enum(l.QuantityUnit, "licence.quantity_unit"),
                l.Quantity > 0 ? l.Quantity : throw new RequestException("licence.quantity", $"must be greater than zero (was {l.Quantity})"),
                l.ValueUsd >= 0 ? l.ValueUsd : throw new RequestException("licence.value_usd", $"must not be negative (was {l.ValueUsd})"),
                validFrom,
                validUntil,
                Listed(l.Conditions, "licence.conditions", ServiceDefaults.RequestText.MaxTextLength),
                CallerIdentity.Subject(context),
                now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond)));
            var counting = grants.CountingOf(record, RequestFields.OptionalId(request.RuleSet, "rule_set"));
            record = record with { AllocationBucketId = counting.BucketId };

            // Other terms under a recorded number are refused (ALREADY_EXISTS) before anything is drawn for them.
            if (await store.GetAsync(number, context.CancellationToken) is { } stored)
            {
                LicenceStore.SameTermsOrConflict(stored, record);
            }

            // At grant: reserve the country allocation, record, then commit; a failure between leaves a reservation
            // that a retry (same number, same id) reuses, or that expires.
            if (counting.BucketId.Length > 0)
            {
                await grants.ReserveAsync(record, counting, context.CancellationToken);
            }

            var recorded = ToProto(await store.RecordAsync(record, context.CancellationToken));
            if (counting.BucketId.Length > 0)
            {
                await grants.CommitAsync(number, context.CancellationToken);
            }

            recorded.Reasons.Add(counting.Reason.ToProto());
            return recorded;
        });

    public override Task<ListLicencesResponse> FindLicences(FindLicencesRequest request, ServerCallContext context) =>
        StatusGuard.Guard(async () =>
        {
            var exporter = RequestFields.OptionalId(request.Exporter, "exporter");
            var consignee = RequestFields.Id(request.ConsigneeId, "consignee_id");
            var destination = RequestFields.Country(request.DestinationCountry, "destination_country");
            var licences = await store.FindAsync(exporter, consignee, destination, MaxFound, context.CancellationToken);
            return new ListLicencesResponse { Licences = { licences.Select(ToProto) } };
        });

    public override Task<Licence> GetLicence(GetLicenceRequest request, ServerCallContext context) =>
        StatusGuard.Guard(async () =>
        {
            var number = Number(request.Number, "number");
            var licence = ToProto(await store.GetAsync(number, context.CancellationToken) ?? throw new KeyNotFoundException($"number: no licence {number} is recorded"));
            licence.Balance = await quota.GetBucketBalanceAsync(licence.BucketId, "", context.CancellationToken);
            return licence;
        });

    public override Task<ListLicencesResponse> ListLicences(ListLicencesRequest request, ServerCallContext context) =>
        StatusGuard.Guard(async () =>
        {
            var consignee = RequestFields.OptionalId(request.ConsigneeId, "consignee_id");
            var destination = request.DestinationCountry.Length == 0 ? "" : RequestFields.Country(request.DestinationCountry, "destination_country");
            var exporter = RequestFields.OptionalId(request.Exporter, "exporter");
            var licences = await store.ListAsync(consignee, destination, exporter, context.CancellationToken);
            // One call for every licence bucket's balance, not one per licence.
            var balances = licences.Count == 0
                ? []
                : (await quota.ListBucketsAsync(BucketId.ForLicence(""), context.CancellationToken)).ToDictionary(b => b.BucketId, StringComparer.Ordinal);
            var answers = licences.Select(ToProto).ToList();
            foreach (var answer in answers)
            {
                answer.Balance = balances.GetValueOrDefault(answer.BucketId);
            }

            return new ListLicencesResponse { Licences = { answers } };
        });

    /// <summary>The proto form of a stored licence.</summary>
    public static Licence ToProto(LicenceRecord l) => new()
    {
        Number = l.Number,
        Exporter = l.Exporter,
        ConsigneeId = l.ConsigneeId,
        ConsigneeName = l.ConsigneeName,
        DestinationCountry = l.DestinationCountry,
        Eccns = { l.Eccns },
        Items = { l.Items },
        QuantityUnit = (Diffusion.Licences.V1.QuantityUnit)l.Unit,
        Quantity = l.Quantity,
        ValueUsd = l.ValueUsd,
        ValidFrom = Timestamp.FromDateTimeOffset(l.ValidFrom),
        ValidUntil = Timestamp.FromDateTimeOffset(l.ValidUntil),
        Conditions = { l.Conditions },
        RecordedBy = l.RecordedBy,
        RecordedAt = Timestamp.FromDateTimeOffset(l.RecordedAt),
        BucketId = BucketId.ForLicence(l.Number),
        AllocationBucketId = l.AllocationBucketId,
    };

    // A licence number is the last segment of its Quota bucket id, so it follows that grammar.
    private static string Number(string value, string field)
    {
        var number = RequestFields.Id(value, field);
        return BucketId.TryParse(BucketId.ForLicence(number), out _, out _)
            ? number
            : throw new RequestException(field, "1 to 128 of A-Z a-z 0-9 . _ : - starting with a letter or digit");
    }

    private static IReadOnlyList<string> Listed(IReadOnlyList<string> values, string field, int maxLength = ServiceDefaults.RequestText.MaxIdLength) =>
        [.. RequestFields.Bounded(values, MaxListed, field).Select((v, i) => RequestFields.Id(v, $"{field}[{i}]", maxLength))];
}
