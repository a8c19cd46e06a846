using Diffusion.Decisions.V1;
using Diffusion.ServiceDefaults;

namespace Diffusion.Decisions.Grpc;

/// <summary>The shape of what an order says about the parties screened: the consignee's address and the named parties.</summary>
internal static class PartyValidation
{
    /// <summary>Named parties besides the consignee (the screening service takes 20 in all).</summary>
    public const int MaxParties = 19;

    /// <summary>The first problem, as (field, problem), or null.</summary>
    public static (string, string)? Problem(DecideRequest order)
    {
        if (order.Consignee is { } consignee && RequestText.Problem(consignee.Address, RequestText.MaxTextLength) is { } address)
        {
            return ("consignee.address", address);
        }

        if (order.Parties.Count > MaxParties)
        {
            return ("parties", $"at most {MaxParties} named parties besides the consignee");
        }

        for (var i = 0; i < order.Parties.Count; i++)
        {
            var party = order.Parties[i];
            var field = $"parties[{i}]";
            foreach (var (name, value, max, required) in new[]
            {
                ("role", party.Role, RequestText.MaxIdLength, true),
                ("id", party.Id, RequestText.MaxIdLength, false),
                ("name", party.Name, RequestText.MaxTextLength, true),
                ("address", party.Address, RequestText.MaxTextLength, false),
            })
            {
                if (required && string.IsNullOrWhiteSpace(value))
                {
                    return ($"{field}.{name}", name == "role" ? "required (e.g. intermediate_consignee, end_user)" : "required");
                }

                if (RequestText.Problem(value, max) is { } problem)
                {
                    return ($"{field}.{name}", problem);
                }
            }

            if (party.Country.Length > 0 && !Diffusion.Rules.Countries.Iso3166.IsAssigned(party.Country))
            {
                return ($"{field}.country", $"{RequestText.Quote(party.Country)} is not an assigned ISO 3166-1 alpha-2 code");
            }
        }

        return null;
    }
}
