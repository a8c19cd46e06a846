using Diffusion.Decisions.V1;
using Diffusion.Licences.V1;
using Diffusion.Rules.Decisions;
using Grpc.Core;

namespace Diffusion.Decisions.Composition;

/// <summary>
/// Finds the granted licences that bear on an order at EndUsers' licence registry, in one call (FindLicences: the
/// consignee's, and the exporter's for the destination), so the decision can use one that covers the order or say why
/// each does not. Asked only when some line needs a licence. EndUsers unreachable: null, and the order is decided as
/// one without a licence (the answer it had before licences were recorded, never less strict), saying so in a reason.
/// </summary>
internal sealed class LicenceLookup(LicenceService.LicenceServiceClient licences, Downstream downstream)
{
    /// <summary>The licences that bear on <paramref name="order"/>, as the decision rules see them; null when EndUsers is unreachable.</summary>
    public async Task<IReadOnlyList<GrantedLicence>?> FindAsync(DecideRequest order, CancellationToken cancellationToken)
    {
        var request = new FindLicencesRequest
        {
            Exporter = order.Exporter,
            ConsigneeId = order.Consignee.Id,
            DestinationCountry = order.DestinationCountry,
        };
        try
        {
            var found = await downstream.CallAsync("endusers", o => licences.FindLicencesAsync(request, o), cancellationToken).ConfigureAwait(false);
            return [.. found.Licences.Select(ToDomain)];
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
        {
            return null;
        }
    }

    // Validity is recorded as days (midnight UTC): [valid_from, valid_until).
    private static GrantedLicence ToDomain(Licence l) => new(
        l.Number,
        l.Exporter,
        l.ConsigneeId,
        l.DestinationCountry,
        [.. l.Eccns],
        [.. l.Items],
        l.QuantityUnit == QuantityUnit.Units ? LicenceUnit.Units : LicenceUnit.Tpp,
        DateOnly.FromDateTime(l.ValidFrom.ToDateTime()),
        DateOnly.FromDateTime(l.ValidUntil.ToDateTime()));
}
