using ProtoReason = Diffusion.Common.V1.Reason;

namespace Diffusion.Rules.Hosting;

/// <summary>
/// The one mapping between a rule finding (<see cref="Reason"/>) and <c>diffusion.common.v1.Reason</c>, which every
/// service answers with and Decisions reads back from the services it calls. Confidence travels as its tag
/// (R, R-abs, G, S, C, ?).
/// </summary>
public static class ReasonMapping
{
    /// <summary>The finding as the contract carries it.</summary>
    public static ProtoReason ToProto(this Reason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return new ProtoReason
        {
            Code = reason.Code,
            Message = reason.Message,
            Citation = reason.Citation,
            Confidence = reason.Confidence.ToTag(),
        };
    }

    /// <summary>A finding another service sent; a confidence tag this build does not know reads as unverified.</summary>
    public static Reason ToDomain(this ProtoReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return new Reason(reason.Code, reason.Message, reason.Citation, ConfidenceTags.TryParse(reason.Confidence) ?? Confidence.Unverified);
    }
}
