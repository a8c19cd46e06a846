using System.Diagnostics;
using System.Net;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
if (builder.Configuration.GetConnectionString("redis") is not null)
{
    builder.AddRedisClient("redis");
}
if (builder.Configuration.GetConnectionString("ledger") is not null)
{
    builder.AddNpgsqlDataSource("ledger");
}
builder.Services.AddSingleton(new HttpClient
{
    DefaultRequestVersion = HttpVersion.Version20,
    DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    Timeout = TimeSpan.FromSeconds(10),
});

var app = builder.Build();
var name = app.Configuration["OTEL_SERVICE_NAME"] ?? "test-service";

app.MapGet("/ping", () => $"pong from {name}");

// The variables the AppHost injected (Aspire's conventions), for the env-injection test.
app.MapGet("/env", () => Environment.GetEnvironmentVariables().Keys.Cast<string>()
    .Where(key => key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
        || key.StartsWith("services__", StringComparison.Ordinal)
        || key.StartsWith("OTEL_", StringComparison.Ordinal)
        || key is "ASPNETCORE_URLS" or "DOTNET_ENVIRONMENT")
    .Order(StringComparer.Ordinal)
    .ToDictionary(key => key, key => Environment.GetEnvironmentVariable(key)));

// Calls /ping on the first replica of the service named NEXT_SERVICE: one trace, two services.
app.MapGet("/chain", async (HttpClient http, IConfiguration configuration) =>
{
    var next = configuration["NEXT_SERVICE"] ?? throw new InvalidOperationException("NEXT_SERVICE is not set");
    var address = configuration[$"services:{next}:grpc:0"] ?? throw new InvalidOperationException($"services__{next}__grpc__0 is not set");
    var answer = await http.GetStringAsync(new Uri(new Uri(address), "/ping"));
    return $"{name} -> {answer}";
});

// Starts a long-lived child process (in this process's group) and returns its pid.
app.MapPost("/spawn", () =>
{
    using var child = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
    return child.Id;
});

app.MapDefaultEndpoints();
app.Run();
