using Diffusion.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);
builder.Options.Build = BuildMode.IfMissing;
var redis = builder.AddRedis("redis");
builder.AddExecutable("shell", "/bin/sh", null, "-c", "sleep 600 & sleep 600 & wait");
builder.AddProject("svc", "tests/Diffusion.AppHost.TestService/Diffusion.AppHost.TestService.csproj")
    .WithReference(redis).WaitFor(redis);
await builder.Build().RunAsync();
