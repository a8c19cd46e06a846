using Diffusion.Common.V1;
using Diffusion.Decisions.V1;
using Diffusion.Screening.V1;
using Grpc.Core;

namespace Diffusion.Decisions.Composition;

/// <summary>
/// Screens an order's consignee and its named intermediate consignees and end users against the restricted-party list
/// (EndUsers' ScreeningService) before anything else is decided. An exact Entity List match makes the order "licence
/// required" under the entry's review policy (15 CFR 744.11, Supp. 4 to part 744); an exact match on another list, or a
/// possible match, holds it for review. A kept screening is re-screened when a newer list is loaded, and Confirm
/// refuses an order whose screening no longer clears.
/// </summary>
internal sealed partial class PartyScreening(ScreeningService.ScreeningServiceClient screening, Downstream downstream, ILogger<PartyScreening> logger)
{
    /// <summary>The parties of <paramref name="order"/> that carry a name (the consignee first).</summary>
    public static IReadOnlyList<Party> PartiesOf(DecideRequest order)
    {
        var parties = new List<Party>();
        if (order.Consignee is { Name.Length: > 0 } consignee)
        {
            parties.Add(new Party { Role = "consignee", Id = consignee.Id, Name = consignee.Name, Address = consignee.Address, Country = order.DestinationCountry });
        }

        parties.AddRange(order.Parties);
        return parties;
    }

    /// <summary>Screens the order's parties; kept under the order id when <paramref name="keep"/>. Null when no party has a name.</summary>
    public async Task<Diffusion.Screening.V1.Screening?> ScreenAsync(DecideRequest order, bool keep, CancellationToken cancellationToken)
    {
        var parties = PartiesOf(order);
        if (parties.Count == 0)
        {
            return null;
        }

        var request = new ScreenRequest { OrderId = keep ? order.OrderId : "", Parties = { parties } };
        return await downstream.CallAsync("endusers", o => screening.ScreenAsync(request, o), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The decision when the screening does not clear: no classification, nothing reserved.</summary>
    public static DecideResponse Blocked(DecideRequest order, string ruleSet, Diffusion.Screening.V1.Screening result)
    {
        var live = result.Matches.Where(m => !m.Cleared).ToList();
        var entityList = live.FirstOrDefault(m => m.Exact && m.OnEntityList);
        var response = new DecideResponse
        {
            OrderId = order.OrderId,
            RuleSet = ruleSet,
            Outcome = entityList is not null && live.All(m => m.Exact && m.OnEntityList)
                ? DecisionOutcome.LicenseRequired
                : DecisionOutcome.HeldForReview,
            ReviewPolicy = entityList?.LicensePolicy ?? "",
            AllocationAvailable = true,
            Screening = result,
        };
        response.Reasons.AddRange(result.Reasons);
        foreach (var m in live.Where(m => !(m.Exact && m.OnEntityList)))
        {
            response.Questions.Add(new Reason
            {
                Code = "SCREENING.REVIEW",
                Message = $"is the {m.PartyRole} the listed '{m.EntryName}' ({m.EntryId}, {m.Source})? If not, a compliance officer clears the match " +
                    "for this party (ClearMatch, with the reason) and the order is decided again",
                Citation = m.FederalRegisterNotice.Length > 0 ? m.FederalRegisterNotice : "Consolidated Screening List",
                Confidence = "G",
            });
        }

        return response;
    }

    /// <summary>
    /// Confirm's check: an order whose kept screening no longer clears (a newer list matched it) may not ship.
    /// Orders decided before screening existed, or with no named party, have none.
    /// </summary>
    public async Task RequireStillClearAsync(string orderId, CancellationToken cancellationToken)
    {
        Diffusion.Screening.V1.Screening kept;
        try
        {
            kept = await downstream.CallAsync("endusers", o => screening.GetScreeningAsync(new GetScreeningRequest { OrderId = orderId }, o), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return;
        }

        if (kept.Verdict != ScreeningVerdict.Clear)
        {
            var match = kept.Matches.First(m => !m.Cleared);
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"order_id: order '{orderId}' no longer clears screening: its {match.PartyRole} matches '{match.EntryName}' ({match.EntryId}) on the {match.Source} " +
                $"in the list published {kept.ListPublishedAt.ToDateTimeOffset():yyyy-MM-dd}; decide it again (nothing was committed)"));
        }
    }

    /// <summary>The order shipped or was cancelled: its screening is no longer re-screened (best effort).</summary>
    public async Task CloseAsync(string orderId, CancellationToken cancellationToken)
    {
        try
        {
            await downstream.CallAsync("endusers", o => screening.CloseScreeningAsync(new CloseScreeningRequest { OrderId = orderId }, o), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            Log.CloseFailed(logger, orderId, e.Status.Detail);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Order {OrderId}: its screening could not be closed (it stays open, re-screened on a newer list): {Error}")]
        public static partial void CloseFailed(ILogger logger, string orderId, string error);
    }
}
