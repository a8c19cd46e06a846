using System.Text;

namespace Diffusion.ServiceDefaults.Security;

/// <summary>
/// Who may call what: every gRPC method of every Diffusion service, by full name (<c>package.Service/Method</c>), and
/// the roles that may call it. The one place this is written; the README prints it (<see cref="MarkdownTable"/>), the
/// services enforce it (<see cref="GrpcMethodRoleHandler"/>), and a test walks every method of the contract and fails
/// for one that has no entry here: a method without an entry is refused to everyone (PERMISSION_DENIED).
/// Health (<c>grpc.health.v1</c>, <c>/health</c>, <c>/alive</c>) and server reflection are open and not listed.
/// </summary>
public static class AccessPolicy
{
    private static readonly string[] Read = [Roles.Exporter, Roles.Officer, Roles.Auditor, Roles.Service];
    private static readonly string[] Export = [Roles.Exporter, Roles.Officer];
    private static readonly string[] ExportOrService = [Roles.Exporter, Roles.Officer, Roles.Service];

    /// <summary>Roles allowed per method, by full method name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Methods { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["diffusion.decisions.v1.DecisionService/Decide"] = Export,
        ["diffusion.decisions.v1.DecisionService/DecideStream"] = Export,
        ["diffusion.decisions.v1.DecisionService/Confirm"] = Export,
        ["diffusion.decisions.v1.DecisionService/Cancel"] = Export,
        ["diffusion.decisions.v1.DecisionService/WhatIf"] = Export,
        ["diffusion.decisions.v1.DecisionService/DescribeRules"] = [Roles.Exporter, Roles.Officer, Roles.Auditor, Roles.Operator],

        ["diffusion.classification.v1.ClassificationService/Classify"] = ExportOrService,
        ["diffusion.classification.v1.ClassificationService/ClassifyBatch"] = ExportOrService,
        ["diffusion.classification.v1.ClassificationService/ListKnownChips"] = Read,

        ["diffusion.modelweights.v1.ModelWeightsService/Evaluate"] = ExportOrService,
        ["diffusion.modelweights.v1.ModelWeightsService/EvaluateTraining"] = ExportOrService,

        // Reservations are made by Decisions and EndUsers on an order's behalf, never directly by a person.
        ["diffusion.quota.v1.QuotaService/Reserve"] = [Roles.Service],
        ["diffusion.quota.v1.QuotaService/Commit"] = [Roles.Service],
        ["diffusion.quota.v1.QuotaService/Release"] = [Roles.Service],
        ["diffusion.quota.v1.QuotaService/GetBalance"] = Read,
        ["diffusion.quota.v1.QuotaService/ListBuckets"] = Read,
        ["diffusion.quota.v1.QuotaService/GetReservation"] = Read,
        ["diffusion.quota.v1.QuotaService/SetAllocation"] = [Roles.Officer],
        ["diffusion.quota.v1.QuotaService/CheckConsistency"] = [Roles.Auditor, Roles.Operator, Roles.Service],

        ["diffusion.endusers.v1.EndUserService/RegisterVeu"] = [Roles.Officer],
        ["diffusion.endusers.v1.EndUserService/SetVeuStatus"] = [Roles.Officer],
        ["diffusion.endusers.v1.EndUserService/GetVeu"] = Read,
        ["diffusion.endusers.v1.EndUserService/ListVeus"] = Read,
        ["diffusion.endusers.v1.EndUserService/CheckDeployment"] = ExportOrService,
        ["diffusion.endusers.v1.EndUserService/RecordDeployment"] = ExportOrService,
        ["diffusion.endusers.v1.EndUserService/RecordAttrition"] = Export,
        ["diffusion.endusers.v1.EndUserService/GetInstalledBase"] = Read,

        // Restricted-party screening (hosted by EndUsers): Decisions screens every order as itself; officers load lists
        // and clear false positives; auditors read clearances and kept screenings.
        ["diffusion.screening.v1.ScreeningService/Screen"] = ExportOrService,
        ["diffusion.screening.v1.ScreeningService/LoadList"] = [Roles.Officer],
        ["diffusion.screening.v1.ScreeningService/ClearMatch"] = [Roles.Officer],
        ["diffusion.screening.v1.ScreeningService/ListClearances"] = Read,
        ["diffusion.screening.v1.ScreeningService/GetScreening"] = Read,
        ["diffusion.screening.v1.ScreeningService/CloseScreening"] = ExportOrService,

        // Granted licences (hosted by EndUsers): officers record them; whoever reads decisions may read them, and
        // Decisions (service) finds those that bear on an order.
        ["diffusion.licences.v1.LicenceService/RecordLicence"] = [Roles.Officer],
        ["diffusion.licences.v1.LicenceService/GetLicence"] = Read,
        ["diffusion.licences.v1.LicenceService/ListLicences"] = Read,
        ["diffusion.licences.v1.LicenceService/FindLicences"] = Read,
    };

    /// <summary>
    /// The roles that may call <paramref name="fullMethodName"/> (<c>package.Service/Method</c>, a leading '/' allowed),
    /// or an empty list when the method has no entry: nobody may.
    /// </summary>
    public static IReadOnlyList<string> RolesFor(string fullMethodName)
    {
        ArgumentNullException.ThrowIfNull(fullMethodName);
        return Methods.TryGetValue(fullMethodName.TrimStart('/'), out var roles) ? roles : [];
    }

    /// <summary>The table as the README prints it: one row per method, one column per role.</summary>
    public static string MarkdownTable()
    {
        var text = new StringBuilder();
        text.Append("| method |");
        foreach (var role in Roles.All)
        {
            text.Append(' ').Append(role).Append(" |");
        }

        text.Append('\n').Append("|---|").Append(string.Concat(Roles.All.Select(_ => "---|"))).Append('\n');
        foreach (var (method, roles) in Methods)
        {
            text.Append("| `").Append(method.Replace("diffusion.", "", StringComparison.Ordinal)).Append("` |");
            foreach (var role in Roles.All)
            {
                text.Append(roles.Contains(role) ? " yes |" : " |");
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
