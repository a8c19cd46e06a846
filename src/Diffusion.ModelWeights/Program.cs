using Diffusion.ModelWeights;
using Diffusion.ModelWeights.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDiffusionAuthentication();
builder.AddModelWeightsServices();
var app = builder.Build();
app.MapGrpcService<ModelWeightsGrpcService>();
app.MapDefaultEndpoints();
app.Run();
