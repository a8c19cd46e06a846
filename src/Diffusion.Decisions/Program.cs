using Diffusion.Decisions;
using Diffusion.Decisions.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDiffusionAuthentication();
builder.AddDecisionsServices();

var app = builder.Build();
app.MapGrpcService<DecisionGrpcService>();
app.MapDefaultEndpoints();
app.Run();
