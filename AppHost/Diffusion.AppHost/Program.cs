using Diffusion.AppHost.Hosting;

// The whole system, in the shape of a .NET Aspire AppHost. `dotnet run --project AppHost/Diffusion.AppHost`
// starts Redis and PostgreSQL from the machine's binaries, builds and starts every service, and serves the
// dashboard on http://127.0.0.1:18888 (--dashboard-url to change it). Ctrl+C stops everything in reverse order.
var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddRedis("redis");
var ledger = builder.AddPostgres("postgres").AddDatabase("ledger");

var classification = builder.AddProject<Projects.Diffusion_Classification>("classification");

var quota = builder.AddProject<Projects.Diffusion_Quota>("quota")
    .WithReference(redis).WaitFor(redis)
    .WithReference(ledger).WaitFor(ledger)
    .WithReplicas(2);

var modelWeights = builder.AddProject<Projects.Diffusion_ModelWeights>("modelweights");

var endUsers = builder.AddProject<Projects.Diffusion_EndUsers>("endusers")
    .WithReference(ledger).WaitFor(ledger)
    .WithReference(quota).WaitFor(quota);

builder.AddProject<Projects.Diffusion_Decisions>("decisions")
    .WithReference(classification).WaitFor(classification)
    .WithReference(quota).WaitFor(quota)
    .WithReference(modelWeights).WaitFor(modelWeights)
    .WithReference(endUsers).WaitFor(endUsers);

builder.Build().Run();
