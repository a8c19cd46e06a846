using Diffusion.ServiceDefaults.Security;
using Diffusion.EndUsers.Deployments;
using Diffusion.EndUsers.Storage;
using Diffusion.Endusers.V1;
using Diffusion.Rules.Hosting;
using Grpc.Core;
using static Diffusion.EndUsers.Grpc.StatusGuard;

namespace Diffusion.EndUsers.Grpc;

/// <summary>
/// The gRPC adapter of EndUsers: checks the shape of each request, maps it to the domain, calls the coordinator or
/// the store, maps back. Registration refusals and refused deployments are answers with reasons; statuses are
/// INVALID_ARGUMENT (field named), NOT_FOUND (unknown VEU), ALREADY_EXISTS (an id reused for different data),
/// FAILED_PRECONDITION (state: attrition beyond the installed base, a rule set without VEU rules) and
/// UNAVAILABLE (Quota or PostgreSQL unreachable; nothing recorded).
/// </summary>
internal sealed class EndUserGrpcService(DeploymentCoordinator coordinator, EndUserStore store, TimeProvider time)
    : EndUserService.EndUserServiceBase
{
    public override Task<RegisterVeuResponse> RegisterVeu(RegisterVeuRequest request, ServerCallContext context) =>
        Guard(async () =>
        {
            var asOf = RequestFields.Instant(request.AsOf, "as_of");
            var veu = (request.Veu ?? throw new RequestException("veu", "must be set")).ToDomain(asOf ?? time.GetUtcNow());
            var (registered, stored, reasons) = await coordinator.RegisterAsync(veu, RequestFields.OptionalId(request.RuleSet, "rule_set"), asOf, CallerIdentity.Subject(context), context.CancellationToken);
            return new RegisterVeuResponse { Registered = registered, Veu = stored.ToProto(), Reasons = { reasons.Select(r => r.ToProto()) } };
        });

    public override Task<Veu> GetVeu(GetVeuRequest request, ServerCallContext context) =>
        Guard(async () =>
        {
            var id = RequestFields.Id(request.VeuId, "veu_id");
            var veu = await store.GetAsync(id, context.CancellationToken) ?? throw new KeyNotFoundException($"VEU {id} is not registered");
            return veu.ToProto();
        });

    public override Task<ListVeusResponse> ListVeus(ListVeusRequest request, ServerCallContext context) =>
        Guard(async () => new ListVeusResponse { Veus = { (await store.ListAsync(context.CancellationToken)).Select(v => v.ToProto()) } });

    public override Task<Veu> SetVeuStatus(SetVeuStatusRequest request, ServerCallContext context) =>
        Guard(async () =>
        {
            var id = RequestFields.Id(request.VeuId, "veu_id");
            var status = RequestFields.Enum(request.Status, "status").ToDomain();
            var reason = RequestFields.Id(request.Reason, "reason", ServiceDefaults.RequestText.MaxTextLength);
            var veu = await store.SetStatusAsync(id, status, reason, CallerIdentity.Subject(context), context.CancellationToken)
                ?? throw new KeyNotFoundException($"VEU {id} is not registered");
            return veu.ToProto();
        });

    public override Task<CheckDeploymentResponse> CheckDeployment(CheckDeploymentRequest request, ServerCallContext context) =>
        Guard(async () =>
        {
            var veuId = RequestFields.Id(request.VeuId, "veu_id");
            var country = RequestFields.Country(request.Country, "country");
            var tpp = RequestFields.Tpp(request.Tpp, "tpp");
            var asOf = RequestFields.Instant(request.AsOf, "as_of");
            var check = await coordinator.CheckAsync(veuId, country, tpp, asOf, RequestFields.OptionalId(request.RuleSet, "rule_set"), context.CancellationToken);
            return check.ToProto();
        });

    public override Task<RecordDeploymentResponse> RecordDeployment(RecordDeploymentRequest request, ServerCallContext context) =>
        Guard(async () =>
        {
            var deploymentId = RequestFields.Id(request.DeploymentId, "deployment_id");
            var veuId = RequestFields.Id(request.VeuId, "veu_id");
            var country = RequestFields.Country(request.Country, "country");
            var tpp = RequestFields.Tpp(request.Tpp, "tpp");
            var asOf = RequestFields.Instant(request.AsOf, "as_of");
            var result = await coordinator.RecordAsync(
                deploymentId, veuId, country, tpp, asOf, RequestFields.OptionalId(request.RuleSet, "rule_set"), RequestFields.OptionalId(request.ReservationId, "reservation_id"), context.CancellationToken);
            return new RecordDeploymentResponse
            {
                Recorded = result.Recorded,
                Check = result.Check.ToProto(),
                ReservationId = result.ReservationId,
                InstalledBase = result.InstalledBase.ToProto(),
            };
        });

    public override Task<RecordAttritionResponse> RecordAttrition(RecordAttritionRequest request, ServerCallContext context) =>
        Guard(async () =>
        {
            var attrition = new AttritionRecord(
                RequestFields.Id(request.EventId, "event_id"),
                RequestFields.Id(request.VeuId, "veu_id"),
                RequestFields.Country(request.Country, "country"),
                RequestFields.Tpp(request.Tpp, "tpp"),
                RequestFields.Enum(request.Kind, "kind").ToDomain(),
                RequestFields.Text(request.Note, "note"),
                RequestFields.Instant(request.AsOf, "as_of") ?? time.GetUtcNow());
            var installed = await store.RecordAttritionAsync(attrition, context.CancellationToken);
            return new RecordAttritionResponse { InstalledBase = installed.ToProto() };
        });

    public override Task<InstalledBase> GetInstalledBase(GetInstalledBaseRequest request, ServerCallContext context) =>
        Guard(async () =>
        {
            var id = RequestFields.Id(request.VeuId, "veu_id");
            _ = await store.GetAsync(id, context.CancellationToken) ?? throw new KeyNotFoundException($"VEU {id} is not registered");
            return (await store.GetInstalledBaseAsync(id, context.CancellationToken)).ToProto();
        });
}
