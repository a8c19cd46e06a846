using Diffusion.AppHost;
using Diffusion.AppHost.Hosting;

// The whole system: `dotnet run --project AppHost/Diffusion.AppHost`. DCP starts Redis, PostgreSQL and every
// service; the Aspire dashboard is at http://127.0.0.1:18888 (Properties/launchSettings.json). Settings, given as
// `-- --Key=value` or environment variables (AppHost__UseContainers=true):
//   AppHost:UseContainers=true        Aspire's Redis and PostgreSQL containers instead of the machine's binaries
//                                     (where a container engine runs; without one they never become healthy)
//   AppHost:Ports:<service>=<port>    a gRPC port other than the fixed default (ServicePorts.cs)
//   AppHost:DataDirectory=<dir>       PostgreSQL's data (default <repository>/.diffusion)
//   AppHost:RedisServerPath, AppHost:PostgresBinDirectory   other binaries than Debian's redis-server and postgresql-15
//   AppHost:Replicas:quota=<n>        Quota replicas behind its port (default 2)
//   AppHost:LoadTest:Workers=<n>      also run n load-test workers (docs/load-tests.md; off by default)
var builder = DistributedApplication.CreateBuilder(args);
var useContainers = builder.Configuration.GetValue<bool>("AppHost:UseContainers");
var dataDirectory = Path.GetFullPath(builder.Configuration["AppHost:DataDirectory"] ?? "../../.diffusion", builder.AppHostDirectory);
var secrets = new LocalSecrets(Path.Combine(dataDirectory, LocalSecrets.FolderName));

// The identity provider: every call to a service carries one of its tokens. Each service has a client of its own
// (role "service") for the calls it makes; the CLI's local client holds the roles a person may.
var identity = builder.AddIdentityProvider("identity", ServicePorts.For(builder.Configuration, "identity"), dataDirectory, secrets);

// Redis: Quota's concurrency gate. Not persisted: Quota rebuilds it from the ledger.
IResourceBuilder<IResourceWithConnectionString> redis = useContainers
    ? builder.AddRedis("redis")
    : builder.AddLocalRedis("redis", secrets);

// PostgreSQL: the ledger of record (Quota's reservations, EndUsers' deployments) and the audit trail every service
// appends to (cap changes, VEUs, decisions, confirmations, cancellations), kept across runs.
IResourceBuilder<IResourceWithConnectionString> ledger = useContainers
    ? builder.AddPostgres("postgres").WithDataVolume().AddDatabase("ledger")
    : builder.AddLocalPostgres("postgres", Path.Combine(dataDirectory, "postgres"), secrets).AddDatabase("ledger");

var classification = builder.AddProject<Projects.Diffusion_Classification>("classification")
    .WithGrpcServiceEndpoints(ServicePorts.For(builder.Configuration, "classification"))
    .WithServiceIdentity(identity, builder, secrets, "classification");

var quota = builder.AddProject<Projects.Diffusion_Quota>("quota")
    .WithGrpcServiceEndpoints(ServicePorts.For(builder.Configuration, "quota"))
    .WithServiceIdentity(identity, builder, secrets, "quota")
    .WithReference(redis).WaitFor(redis)
    .WithReference(ledger).WaitFor(ledger)
    .WithReplicas(builder.Configuration.GetValue("AppHost:Replicas:quota", 2));

var modelWeights = builder.AddProject<Projects.Diffusion_ModelWeights>("modelweights")
    .WithGrpcServiceEndpoints(ServicePorts.For(builder.Configuration, "modelweights"))
    .WithServiceIdentity(identity, builder, secrets, "modelweights");

var endUsers = builder.AddProject<Projects.Diffusion_EndUsers>("endusers")
    .WithGrpcServiceEndpoints(ServicePorts.For(builder.Configuration, "endusers"))
    .WithServiceIdentity(identity, builder, secrets, "endusers")
    .WithReference(ledger).WaitFor(ledger)
    .WithReference(quota).WaitFor(quota);

var decisions = builder.AddProject<Projects.Diffusion_Decisions>("decisions")
    .WithGrpcServiceEndpoints(ServicePorts.For(builder.Configuration, "decisions"))
    .WithServiceIdentity(identity, builder, secrets, "decisions")
    .WithReference(ledger).WaitFor(ledger)
    .WithAuditCheckpointKey(builder, secrets, dataDirectory)
    .WithReference(classification).WaitFor(classification)
    .WithReference(quota).WaitFor(quota)
    .WithReference(modelWeights).WaitFor(modelWeights)
    .WithReference(endUsers).WaitFor(endUsers);

builder.AddLoadTestWorkers(decisions, quota, identity, secrets);

// DCP does not restart a process that dies; this does (and says so in the resource's log).
builder.Services.AddHostedService<CrashedResourceRestarter>();

builder.Build().Run();
