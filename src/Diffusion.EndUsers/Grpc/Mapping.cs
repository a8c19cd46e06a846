using Diffusion.EndUsers.Deployments;
using Diffusion.Rules.Hosting;
using Diffusion.Rules.EndUsers;
using Google.Protobuf.WellKnownTypes;
using Proto = Diffusion.Endusers.V1;

namespace Diffusion.EndUsers.Grpc;

/// <summary>Protobuf to domain and back.</summary>
internal static class Mapping
{
    /// <summary>The VEU of a registration, checking every field's shape.</summary>
    public static Veu ToDomain(this Proto.Veu veu, DateTimeOffset defaultValidFrom)
    {
        ArgumentNullException.ThrowIfNull(veu);
        var id = RequestFields.Id(veu.Id, "veu.id");
        var kind = RequestFields.Enum(veu.Kind, "veu.kind");
        var headquarters = RequestFields.Country(veu.HeadquartersCountry, "veu.headquarters_country");
        var parent = veu.ParentHeadquartersCountry.Length == 0 ? "" : RequestFields.Country(veu.ParentHeadquartersCountry, "veu.parent_headquarters_country");
        var countries = RequestFields.Bounded(veu.AuthorizedCountries, RequestFields.MaxCountries, "veu.authorized_countries")
            .Select(c => RequestFields.Country(c, "veu.authorized_countries")).ToArray();
        var status = veu.Status == Proto.VeuStatus.Unspecified ? Proto.VeuStatus.Active : RequestFields.Enum(veu.Status, "veu.status");
        var validFrom = RequestFields.Instant(veu.ValidFrom, "veu.valid_from") ?? defaultValidFrom;
        var validTo = RequestFields.Instant(veu.ValidTo, "veu.valid_to");
        if (validTo <= validFrom)
        {
            throw new RequestException("veu.valid_to", "must be after valid_from");
        }

        return new Veu(id, kind.ToDomain(), RequestFields.Text(veu.Name, "veu.name"), headquarters, parent, countries, status.ToDomain(), validFrom, validTo);
    }

    public static VeuKind ToDomain(this Proto.VeuKind kind) => kind switch
    {
        Proto.VeuKind.Uveu => VeuKind.Universal,
        Proto.VeuKind.Nveu => VeuKind.National,
        _ => throw new RequestException("kind", $"unknown VEU kind {kind}"),
    };

    public static VeuStatus ToDomain(this Proto.VeuStatus status) => status switch
    {
        Proto.VeuStatus.Active => VeuStatus.Active,
        Proto.VeuStatus.Suspended => VeuStatus.Suspended,
        Proto.VeuStatus.Revoked => VeuStatus.Revoked,
        _ => throw new RequestException("status", $"unknown VEU status {status}"),
    };

    public static AttritionKind ToDomain(this Proto.AttritionKind kind) => kind switch
    {
        Proto.AttritionKind.Loss => AttritionKind.Loss,
        Proto.AttritionKind.Damage => AttritionKind.Damage,
        Proto.AttritionKind.Failure => AttritionKind.Failure,
        Proto.AttritionKind.Relocation => AttritionKind.Relocation,
        Proto.AttritionKind.Resale => AttritionKind.Resale,
        _ => throw new RequestException("kind", $"unknown attrition kind {kind}"),
    };

    public static Proto.Veu ToProto(this Veu veu)
    {
        var proto = new Proto.Veu
        {
            Id = veu.Id,
            Kind = veu.Kind == VeuKind.Universal ? Proto.VeuKind.Uveu : Proto.VeuKind.Nveu,
            Name = veu.Name,
            HeadquartersCountry = veu.HeadquartersCountry,
            ParentHeadquartersCountry = veu.ParentHeadquartersCountry,
            AuthorizedCountries = { veu.AuthorizedCountries },
            Status = veu.Status switch
            {
                VeuStatus.Active => Proto.VeuStatus.Active,
                VeuStatus.Suspended => Proto.VeuStatus.Suspended,
                _ => Proto.VeuStatus.Revoked,
            },
            ValidFrom = Timestamp.FromDateTimeOffset(veu.ValidFrom),
        };
        if (veu.ValidTo is { } validTo)
        {
            proto.ValidTo = Timestamp.FromDateTimeOffset(validTo);
        }

        return proto;
    }

    public static Proto.LimitCheck ToProto(this LimitCheck check) => new()
    {
        LimitId = check.LimitId,
        Description = check.Description,
        Within = check.Within,
        LimitTpp = check.LimitTpp,
        ProjectedTpp = check.ProjectedTpp,
        HeadroomTpp = check.HeadroomTpp,
        Citation = check.Citation,
    };

    public static Proto.CheckDeploymentResponse ToProto(this CheckResult check) => new()
    {
        Allowed = check.Verdict.Allowed,
        Limits = { check.Verdict.Limits.Select(l => l.ToProto()) },
        Reasons = { check.Verdict.Reasons.Select(r => r.ToProto()) },
        Veu = check.Veu.ToProto(),
        RuleSet = check.RuleSetId,
    };

    public static Proto.InstalledBase ToProto(this InstalledBase installed) => new()
    {
        VeuId = installed.VeuId,
        TotalInstalledTpp = installed.TotalInstalledTpp,
        Countries =
        {
            installed.Countries.Select(c => new Proto.CountryInstalledBase
            {
                Country = c.Country,
                InstalledTpp = c.InstalledTpp,
                DeployedTpp = c.DeployedTpp,
                AttritionTpp = c.AttritionTpp,
            }),
        },
    };
}
