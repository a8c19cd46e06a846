using Diffusion.AppHost;
using Diffusion.AppHost.Hosting;

// The whole system: `dotnet run --project AppHost/Diffusion.AppHost`. DCP starts Redis, PostgreSQL and every
// service; the Aspire dashboard is at http://127.0.0.1:18888. Each service's gRPC endpoint has a fixed loopback port
// (ServicePorts.cs). Without a container engine Redis and PostgreSQL are the machine's own binaries (Hosting/);
// AppHost:UseContainers=true runs Aspire's Redis and PostgreSQL containers instead.
var builder = DistributedApplication.CreateBuilder(args);
var useContainers = builder.Configuration.GetValue<bool>("AppHost:UseContainers");
var dataDirectory = Path.GetFullPath(builder.Configuration["AppHost:DataDirectory"] ?? "../../.diffusion", builder.AppHostDirectory);

// Redis: Quota's concurrency gate. Not persisted: Quota rebuilds it from the ledger.
IResourceBuilder<IResourceWithConnectionString> redis = useContainers
    ? builder.AddRedis("redis")
    : builder.AddLocalRedis("redis");

// PostgreSQL: the ledger of record (Quota's reservations, EndUsers' deployments), kept across runs.
IResourceBuilder<IResourceWithConnectionString> ledger = useContainers
    ? builder.AddPostgres("postgres").WithDataVolume().AddDatabase("ledger")
    : builder.AddLocalPostgres("postgres", Path.Combine(dataDirectory, "postgres")).AddDatabase("ledger");

var classification = builder.AddProject<Projects.Diffusion_Classification>("classification")
    .WithGrpcServiceEndpoints(ServicePorts.For(builder.Configuration, "classification"));

var quota = builder.AddProject<Projects.Diffusion_Quota>("quota")
    .WithGrpcServiceEndpoints(ServicePorts.For(builder.Configuration, "quota"))
    .WithReference(redis).WaitFor(redis)
    .WithReference(ledger).WaitFor(ledger)
    .WithReplicas(2);

var modelWeights = builder.AddProject<Projects.Diffusion_ModelWeights>("modelweights")
    .WithGrpcServiceEndpoints(ServicePorts.For(builder.Configuration, "modelweights"));

var endUsers = builder.AddProject<Projects.Diffusion_EndUsers>("endusers")
    .WithGrpcServiceEndpoints(ServicePorts.For(builder.Configuration, "endusers"))
    .WithReference(ledger).WaitFor(ledger)
    .WithReference(quota).WaitFor(quota);

builder.AddProject<Projects.Diffusion_Decisions>("decisions")
    .WithGrpcServiceEndpoints(ServicePorts.For(builder.Configuration, "decisions"))
    .WithReference(classification).WaitFor(classification)
    .WithReference(quota).WaitFor(quota)
    .WithReference(modelWeights).WaitFor(modelWeights)
    .WithReference(endUsers).WaitFor(endUsers);

// DCP does not restart a process that dies; this does (and says so in the resource's log).
builder.Services.AddHostedService<CrashedResourceRestarter>();

builder.Build().Run();
