using Diffusion.Quota.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDiffusionAuthentication();
builder.AddQuotaServices();

var app = builder.Build();
app.MapGrpcService<QuotaGrpcService>();
app.MapDefaultEndpoints();
app.Run();
