using System.Globalization;

namespace Diffusion.Rules.EndUsers.Deployment;

/// <summary>
/// Builds the <see cref="LimitCheck"/> of a share limit on the installed base after a deployment. A minimum share's
/// limit in TPP is rounded up and a maximum share's down, so "headroom >= 0" is exactly "within the limit".
/// </summary>
internal static class ShareLimit
{
    /// <summary><paramref name="part"/> must be at least <paramref name="share"/> of <paramref name="total"/>.</summary>
    public static LimitCheck AtLeast(string limitId, string what, SharePercent share, Cited<decimal> source, long part, long total)
    {
        var limitTpp = share.MinimumOf(total);
        var within = share.IsAtLeastShareOf(part, total);
        return new LimitCheck(
            limitId,
            $"{what}: {Tpp(part)} of {Tpp(total)} TPP installed after the deployment; at least {share} = {Tpp(limitTpp)} TPP",
            within,
            limitTpp,
            part,
            checked(part - limitTpp),
            source.Citation,
            source.Confidence);
    }

    /// <summary><paramref name="part"/> must be at most <paramref name="share"/> of <paramref name="total"/>.</summary>
    public static LimitCheck AtMost(string limitId, string what, SharePercent share, Cited<decimal> source, long part, long total)
    {
        var limitTpp = share.MaximumOf(total);
        var within = share.IsAtMostShareOf(part, total);
        return new LimitCheck(
            limitId,
            $"{what}: {Tpp(part)} of {Tpp(total)} TPP installed after the deployment; at most {share} = {Tpp(limitTpp)} TPP",
            within,
            limitTpp,
            part,
            checked(limitTpp - part),
            source.Citation,
            source.Confidence);
    }

    /// <summary>The reason text for a limit: the description, then within/over by how much.</summary>
    public static string Explain(LimitCheck check, string? remedy = null)
    {
        var verdict = check.Within
            ? $"within, {Tpp(check.HeadroomTpp)} TPP to spare"
            : $"over by {Tpp(-check.HeadroomTpp)} TPP";
        return remedy is null ? $"{check.Description}: {verdict}" : $"{check.Description}: {verdict}; {remedy}";
    }

    public static string Tpp(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
