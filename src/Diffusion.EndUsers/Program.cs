using Diffusion.EndUsers;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDiffusionAuthentication();
builder.AddEndUserServices();

var app = builder.Build();
app.MapEndUserGrpcServices();
app.MapDefaultEndpoints();
app.Run();
