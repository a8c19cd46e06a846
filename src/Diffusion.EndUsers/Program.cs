using Diffusion.EndUsers;
using Diffusion.EndUsers.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDiffusionAuthentication();
builder.AddEndUserServices();

var app = builder.Build();
app.MapGrpcService<EndUserGrpcService>();
app.MapDefaultEndpoints();
app.Run();
