using Diffusion.Decisions.V1;
using Diffusion.Rules;
using Diffusion.ServiceDefaults;

namespace Diffusion.Decisions.Grpc;

/// <summary>DescribeRules: the request's shape, and the description mapped to the contract.</summary>
internal static class RulesDescriptionMapping
{
    /// <summary>The day asked for (UTC calendar day of as_of, else today); INVALID_ARGUMENT naming the field for bad input.</summary>
    public static DateOnly Day(this DescribeRulesRequest request, TimeProvider time)
    {
        if (RequestText.Problem(request.RuleSet, RequestText.MaxIdLength) is { } problem)
        {
            throw OrderValidation.Invalid("rule_set", problem);
        }

        if (request.AsOf is { } asOf && !OrderValidation.IsTimestamp(asOf))
        {
            throw OrderValidation.Invalid("as_of", "is not a valid timestamp");
        }

        return DateOnly.FromDateTime((request.AsOf?.ToDateTimeOffset() ?? time.GetUtcNow()).UtcDateTime);
    }

    public static DescribeRulesResponse ToProto(this RuleSetDescription description)
    {
        var response = new DescribeRulesResponse
        {
            RuleSet = description.Id,
            Title = description.Title,
            Citation = description.Citation,
            AsOf = description.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        response.Statuses.AddRange(description.Statuses.Select(f => new V1.RuleFact
        {
            Name = f.Name,
            Value = f.Value,
            Citation = f.Citation,
            Confidence = f.Confidence.ToTag(),
            Note = f.Note ?? "",
        }));
        foreach (var group in description.Groups)
        {
            var proto = new CountryGroupMembers { Name = group.Name, Title = group.Title };
            proto.Members.AddRange(group.Members.Select(m => new GroupMember
            {
                Country = m.Country,
                Period = m.Period,
                Citation = m.Citation,
                Confidence = m.Confidence.ToTag(),
                Note = m.Note ?? "",
            }));
            response.CountryGroups.Add(proto);
        }

        response.Families.AddRange(description.Families.Select(f => new RuleFamilyData { Name = f.Name, Files = { f.Files }, Json = f.Json }));
        return response;
    }
}
