namespace Diffusion.Rules.Tiers;

/// <summary>
/// A country group of 15 CFR 740 Supp. 1 (e.g. D:5) or a single-country group (Macau), as ISO 3166-1 alpha-2 codes.
/// <see cref="Members"/> carries the citation of the list; <see cref="AlsoMembers"/> lists members known with a
/// different confidence, each cited on its own (e.g. Cambodia in D:5 in January 2025 [?]).
/// </summary>
public sealed record CountryGroup
{
    /// <summary>The members, with the list's source and confidence.</summary>
    public required Cited<IReadOnlyList<string>> Members { get; init; }

    /// <summary>Further members cited one by one (a weaker or different source).</summary>
    public IReadOnlyList<Cited<string>> AlsoMembers { get; init; } = [];

    /// <summary>The entry that makes <paramref name="country"/> a member, as a citable value; null if not a member.</summary>
    public Cited<string>? Membership(string country)
    {
        if (Members.Value.Contains(country, StringComparer.Ordinal))
        {
            return new Cited<string> { Value = country, Citation = Members.Citation, Confidence = Members.Confidence, Note = Members.Note };
        }

        return AlsoMembers.FirstOrDefault(m => m.Value == country);
    }

    internal void Validate(RuleValidationContext context, string field)
    {
        context.Require(!string.IsNullOrWhiteSpace(Members.Citation), field + ".members.citation", "must not be empty");
        context.CountryCodes(Members.Value, field + ".members.value");
        for (var i = 0; i < AlsoMembers.Count; i++)
        {
            var code = AlsoMembers[i].Value;
            context.Require(RuleValidationContext.IsCountryCode(code), $"{field}.also_members[{i}].value",
                $"'{code}' is not an ISO 3166-1 alpha-2 code (two upper-case letters)");
            context.Require(!Members.Value.Contains(code, StringComparer.Ordinal), $"{field}.also_members[{i}].value",
                $"'{code}' is already in members");
            context.Require(!string.IsNullOrWhiteSpace(AlsoMembers[i].Citation), $"{field}.also_members[{i}].citation", "must not be empty");
        }
    }
}
