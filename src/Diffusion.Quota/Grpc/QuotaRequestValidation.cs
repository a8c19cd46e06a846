using Diffusion.Quota.Reservations;
using Diffusion.Quota.V1;
using Draw = Diffusion.Quota.Reservations.Draw;
using Diffusion.Rules.Quotas;
using Diffusion.ServiceDefaults;
using Grpc.Core;

namespace Diffusion.Quota.Grpc;

/// <summary>Shape checks of requests; each failure is INVALID_ARGUMENT naming the field, before anything is changed.</summary>
internal static class QuotaRequestValidation
{
    /// <summary>Most characters in a reservation or bucket id.</summary>
    public const int MaxIdLength = RequestText.MaxIdLength;

    /// <summary>Most characters in a SetAllocation reason or actor.</summary>
    public const int MaxTextLength = RequestText.MaxTextLength;

    public static ReserveCommand ToCommand(this ReserveRequest request, QuotaOptions options)
    {
        RequireId(request.ReservationId, "reservation_id");
        RequireText(request.RuleSet, "rule_set", MaxIdLength);
        if (request.Draws.Count == 0)
        {
            throw Invalid("draws: at least one draw is required");
        }

        if (request.Draws.Count > options.MaxDraws)
        {
            throw Invalid($"draws: at most {options.MaxDraws} draws, got {request.Draws.Count}");
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var draws = new List<Draw>(request.Draws.Count);
        for (var i = 0; i < request.Draws.Count; i++)
        {
            var draw = request.Draws[i];
            RequireBucket(draw.BucketId, $"draws[{i}].bucket_id");
            if (seen.TryGetValue(draw.BucketId, out var first))
            {
                throw Invalid($"draws[{i}].bucket_id: bucket {RequestText.Quote(draw.BucketId)} is already drawn by draws[{first}]; one draw per bucket");
            }

            seen[draw.BucketId] = i;
            if (draw.Tpp is <= 0 or > QuotaRules.MaxTpp)
            {
                throw Invalid($"draws[{i}].tpp: must be a whole TPP amount in 1..{QuotaRules.MaxTpp}, was {draw.Tpp}");
            }

            draws.Add(new Draw(draw.BucketId, draw.Tpp));
        }

        if (request.TtlSeconds > options.MaxTtlSeconds)
        {
            throw Invalid($"ttl_seconds: must be at most {options.MaxTtlSeconds} (0: the default of {options.DefaultTtlSeconds}), was {request.TtlSeconds}");
        }

        return new ReserveCommand(
            request.ReservationId,
            draws,
            request.TtlSeconds == 0 ? null : TimeSpan.FromSeconds(request.TtlSeconds),
            request.RuleSet);
    }

    public static void RequireId(string id, string field)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw Invalid($"{field}: must not be empty");
        }

        if (RequestText.Problem(id, MaxIdLength) is { } problem)
        {
            throw Invalid($"{field}: {problem}");
        }
    }

    public static void RequireBucket(string bucketId, string field)
    {
        if (RequestText.Problem(bucketId, MaxIdLength) is { } shape)
        {
            throw Invalid($"{field}: {shape}");
        }

        if (string.IsNullOrEmpty(bucketId))
        {
            throw Invalid($"{field}: must not be empty");
        }

        if (!BucketId.TryParse(bucketId, out _, out var problem))
        {
            throw Invalid($"{field}: {RequestText.Quote(bucketId)} {problem}");
        }
    }

    public static void RequireCap(long cap)
    {
        if (cap is < 0 or > QuotaRules.MaxTpp)
        {
            throw Invalid($"cap: must be a whole TPP amount in 0..{QuotaRules.MaxTpp}, was {cap}");
        }
    }

    public static void RequireReason(string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw Invalid("reason: must say why the cap changes (e.g. the agreement or decision it implements)");
        }

        if (RequestText.Problem(reason, MaxTextLength) is { } problem)
        {
            throw Invalid($"reason: {problem}");
        }
    }

    /// <summary>An optional short text field (actor, prefix): bounded, no control characters.</summary>
    public static void RequireText(string value, string field, int maxLength)
    {
        if (RequestText.Problem(value, maxLength) is { } problem)
        {
            throw Invalid($"{field}: {problem}");
        }
    }

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
