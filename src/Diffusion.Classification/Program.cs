using Diffusion.Classification;
using Diffusion.Classification.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDiffusionAuthentication();
builder.AddClassificationServices();
var app = builder.Build();
app.MapGrpcService<ClassificationGrpcService>();
app.MapDefaultEndpoints();
app.Run();
