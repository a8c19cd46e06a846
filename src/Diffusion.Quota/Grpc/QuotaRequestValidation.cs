using Diffusion.Quota.Reservations;
using Diffusion.Quota.V1;
using Draw = Diffusion.Quota.Reservations.Draw;
using Diffusion.Rules.Quotas;
using Grpc.Core;

namespace Diffusion.Quota.Grpc;

/// <summary>Shape checks of requests; each failure is INVALID_ARGUMENT naming the field, before anything is changed.</summary>
internal static class QuotaRequestValidation
{
    /// <summary>Most characters in a reservation id.</summary>
    public const int MaxIdLength = 200;

    public static ReserveCommand ToCommand(this ReserveRequest request, QuotaOptions options)
    {
        RequireId(request.ReservationId, "reservation_id");
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
                throw Invalid($"draws[{i}].bucket_id: bucket '{draw.BucketId}' is already drawn by draws[{first}]; one draw per bucket");
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

        if (id.Length > MaxIdLength)
        {
            throw Invalid($"{field}: at most {MaxIdLength} characters, was {id.Length}");
        }
    }

    public static void RequireBucket(string bucketId, string field)
    {
        if (!BucketId.TryParse(bucketId, out _, out var problem))
        {
            throw Invalid($"{field}: {problem}");
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
    }

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
