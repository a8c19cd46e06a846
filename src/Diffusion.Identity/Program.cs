using Diffusion.Identity;

var builder = WebApplication.CreateBuilder(args);
builder.AddIdentityServices();
var app = builder.Build();
app.MapIdentityEndpoints();
app.Run();
