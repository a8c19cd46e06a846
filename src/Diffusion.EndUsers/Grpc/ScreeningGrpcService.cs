using Diffusion.ServiceDefaults.Security;
using Diffusion.EndUsers.Deployments;
using Diffusion.EndUsers.Screening;
using Diffusion.EndUsers.Screening.Matching;
using Diffusion.Screening.V1;
using Grpc.Core;
using static Diffusion.EndUsers.Grpc.StatusGuard;

namespace Diffusion.EndUsers.Grpc;

/// <summary>
/// The gRPC adapter of restricted-party screening (hosted by EndUsers beside its VEU registry): checks each request's
/// shape (INVALID_ARGUMENT naming the field), calls the coordinator, maps back. NOT_FOUND for an unknown order or
/// list entry, FAILED_PRECONDITION when no list is loaded, UNAVAILABLE when PostgreSQL is unreachable.
/// </summary>
internal sealed class ScreeningGrpcService(ScreeningCoordinator coordinator, ScreeningStore store) : ScreeningService.ScreeningServiceBase
{
    /// <summary>The most parties one screening may name.</summary>
    public const int MaxParties = 20;

    /// <summary>The largest list file accepted (the full CSL JSON is about 32 MB).</summary>
    public const int MaxListBytes = 64 * 1024 * 1024;

    public override Task<Diffusion.Screening.V1.Screening> Screen(ScreenRequest request, ServerCallContext context) =>
        Guard(() =>
        {
            var orderId = RequestFields.OptionalId(request.OrderId, "order_id");
            if (request.Parties.Count == 0)
            {
                throw new RequestException("parties", "at least one party");
            }

            RequestFields.Bounded(request.Parties, MaxParties, "parties");
            var parties = request.Parties.Select((p, i) => new ScreenedPartyRecord(
                RequestFields.Id(p.Role, $"parties[{i}].role"),
                RequestFields.OptionalId(p.Id, $"parties[{i}].id"),
                RequestFields.Id(p.Name, $"parties[{i}].name", ServiceDefaults.RequestText.MaxTextLength),
                RequestFields.Text(p.Address, $"parties[{i}].address"),
                p.Country.Length == 0 ? "" : RequestFields.Country(p.Country, $"parties[{i}].country"))).ToList();
            return coordinator.ScreenAsync(orderId, parties, context.CancellationToken);
        });

    public override Task<LoadListResponse> LoadList(LoadListRequest request, ServerCallContext context) =>
        Guard(() =>
        {
            var source = RequestFields.Text(request.Source, "source");
            var publishedAt = RequestFields.Instant(request.PublishedAt, "published_at");
            if (request.Content.IsEmpty)
            {
                throw new RequestException("content", "must not be empty (the list file as published)");
            }

            if (request.Content.Length > MaxListBytes)
            {
                throw new RequestException("content", $"at most {MaxListBytes} bytes");
            }

            var content = request.Content.ToByteArray();
            RestrictedPartyList list;
            try
            {
                list = request.Format switch
                {
                    "json" => CslFormat.ParseJson(content, publishedAt),
                    "csv" => CslFormat.ParseCsv(System.Text.Encoding.UTF8.GetString(content),
                        publishedAt ?? throw new RequestException("published_at", "required for CSV (the CSV file carries no date)")),
                    _ => throw new RequestException("format", $"{ServiceDefaults.RequestText.Quote(request.Format)} is neither \"json\" nor \"csv\""),
                };
            }
            catch (CslFormatException e)
            {
                throw new RequestException("content", e.Message);
            }

            return coordinator.LoadAsync(list, content, source.Length > 0 ? source : "LoadList", CallerIdentity.Subject(context), context.CancellationToken);
        });

    public override Task<Clearance> ClearMatch(ClearMatchRequest request, ServerCallContext context) =>
        Guard(async () =>
        {
            var party = RequestFields.Id(request.ConsigneeId, "consignee_id");
            var entry = RequestFields.Id(request.EntryId, "entry_id");
            var reason = RequestFields.Id(request.Reason, "reason", ServiceDefaults.RequestText.MaxTextLength);
            return ScreeningCoordinator.ToProto(await coordinator.ClearAsync(party, entry, CallerIdentity.Subject(context), reason, context.CancellationToken));
        });

    public override Task<ListClearancesResponse> ListClearances(ListClearancesRequest request, ServerCallContext context) =>
        Guard(async () =>
        {
            var party = RequestFields.OptionalId(request.ConsigneeId, "consignee_id");
            var clearances = await store.ClearancesAsync(party.Length > 0 ? [party] : [], context.CancellationToken);
            return new ListClearancesResponse { Clearances = { clearances.Select(ScreeningCoordinator.ToProto) } };
        });

    public override Task<Diffusion.Screening.V1.Screening> GetScreening(GetScreeningRequest request, ServerCallContext context) =>
        Guard(async () =>
        {
            var orderId = RequestFields.Id(request.OrderId, "order_id");
            var kept = await store.GetScreeningAsync(orderId, context.CancellationToken) ?? throw new KeyNotFoundException($"order_id: no screening kept for order '{orderId}'");
            var screening = Diffusion.Screening.V1.Screening.Parser.ParseFrom(kept.Result);
            screening.Open = kept.Open;
            return screening;
        });

    public override Task<CloseScreeningResponse> CloseScreening(CloseScreeningRequest request, ServerCallContext context) =>
        Guard(async () => new CloseScreeningResponse { Closed = await store.CloseAsync(RequestFields.Id(request.OrderId, "order_id"), context.CancellationToken) });
}
