using Diffusion.Rules.Hosting;
using ProtoReason = Diffusion.Common.V1.Reason;

namespace Diffusion.Rules.Tests.Loading;

public sealed class ReasonMappingTests
{
    [Theory]
    [InlineData(Confidence.Regulatory, "R")]
    [InlineData(Confidence.RegulatoryAbstract, "R-abs")]
    [InlineData(Confidence.Government, "G")]
    [InlineData(Confidence.Secondary, "S")]
    [InlineData(Confidence.Computed, "C")]
    [InlineData(Confidence.Unverified, "?")]
    public void ToProto_ThenToDomain_SameFinding(Confidence confidence, string tag)
    {
        var reason = new Reason("LPP.AVAILABLE", "items[0] H100: License Exception LPP", "15 CFR 740.29", confidence);

        var proto = reason.ToProto();

        Assert.Equal(("LPP.AVAILABLE", "items[0] H100: License Exception LPP", "15 CFR 740.29", tag), (proto.Code, proto.Message, proto.Citation, proto.Confidence));
        Assert.Equal(reason, proto.ToDomain());
    }

    [Fact]
    public void ToDomain_UnknownConfidenceTag_Unverified()
    {
        var reason = new ProtoReason { Code = "X", Message = "m", Citation = "c", Confidence = "certain" }.ToDomain();

        Assert.Equal(Confidence.Unverified, reason.Confidence);
    }
}
