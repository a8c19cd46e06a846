using Diffusion.Quota.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddQuotaServices();

var app = builder.Build();
app.MapGrpcService<QuotaGrpcService>();
app.MapDefaultEndpoints();
app.Run();

/// <summary>The quota service's entry point (public for in-process test hosts).</summary>
public partial class Program;
