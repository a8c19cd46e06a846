using Diffusion.AppHost.Hosting;

namespace Diffusion.AppHost.Tests;

public sealed class GraphAndEnvironmentTests
{
    [Fact]
    public void StartOrder_PutsEveryDependencyFirst_KeepingDeclarationOrderOtherwise()
    {
        var builder = NewBuilder();
        var decisions = builder.AddProject("decisions", "src/Diffusion.Decisions/Diffusion.Decisions.csproj");
        var redis = builder.AddRedis("redis");
        var ledger = builder.AddPostgres("postgres").AddDatabase("ledger");
        var quota = builder.AddProject("quota", "src/Diffusion.Quota/Diffusion.Quota.csproj")
            .WithReference(redis).WaitFor(redis).WithReference(ledger).WaitFor(ledger);
        decisions.WithReference(quota).WaitFor(quota);

        var order = DependencyGraph.StartOrder(builder.Resources).Select(r => r.Name).ToList();

        Assert.Equal(["redis", "postgres", "ledger", "quota", "decisions"], order);
    }

    [Fact]
    public void StartOrder_Cycle_IsRejectedNamingIt()
    {
        var builder = NewBuilder();
        var a = builder.AddProject("a", "a.csproj");
        var b = builder.AddProject("b", "b.csproj").WaitFor(a);
        a.WaitFor(b);

        var error = Assert.Throws<InvalidOperationException>(() => DependencyGraph.StartOrder(builder.Resources));

        Assert.Contains("a -> b -> a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_ForProject_FollowsAspireConventions()
    {
        var builder = NewBuilder();
        var redis = builder.AddRedis("redis");
        var ledger = builder.AddPostgres("postgres").AddDatabase("ledger");
        var quota = builder.AddProject("quota", "q.csproj").WithReplicas(2);
        var decisions = builder.AddProject("decisions", "d.csproj")
            .WithReference(redis).WithReference(ledger).WithReference(quota).WithEnvironment("EXTRA", "1");
        redis.Resource.Port = 6400;
        ledger.Resource.Server.Port = 5500;
        quota.Resource.Ports.AddRange([7001, 7002]);
        decisions.Resource.Ports.Add(7100);

        var env = EnvironmentBuilder.For(decisions.Resource, 0, new Uri("http://127.0.0.1:18888/"));

        Assert.Equal("127.0.0.1:6400", env["ConnectionStrings__redis"]);
        Assert.Equal("Host=127.0.0.1;Port=5500;Username=postgres;Database=ledger", env["ConnectionStrings__ledger"]);
        Assert.Equal("http://127.0.0.1:7001", env["services__quota__grpc__0"]);
        Assert.Equal("http://127.0.0.1:7002", env["services__quota__grpc__1"]);
        Assert.Equal("http://127.0.0.1:7100", env["ASPNETCORE_URLS"]);
        Assert.Equal("decisions", env["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=decisions-0", env["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("http://127.0.0.1:18888", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", env["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal("1", env["EXTRA"]);
        Assert.False(env.ContainsKey("ConnectionStrings__quota"));
    }

    [Fact]
    public void Environment_SecondReplica_GetsItsOwnPortAndInstanceId()
    {
        var builder = NewBuilder();
        var quota = builder.AddProject("quota", "q.csproj").WithReplicas(2);
        quota.Resource.Ports.AddRange([7001, 7002]);

        var env = EnvironmentBuilder.For(quota.Resource, 1, otlpEndpoint: null);

        Assert.Equal("http://127.0.0.1:7002", env["ASPNETCORE_URLS"]);
        Assert.Equal("service.instance.id=quota-1", env["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.False(env.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
    }

    [Fact]
    public void Builder_RejectsDuplicateNamesAndBadReferences()
    {
        var builder = NewBuilder();
        builder.AddRedis("redis");
        var executable = builder.AddExecutable("tool", "/bin/true");

        Assert.Throws<InvalidOperationException>(() => builder.AddRedis("redis"));
        Assert.Throws<ArgumentException>(() => builder.AddProject("p", "p.csproj").WithReference(executable));
        Assert.Throws<InvalidOperationException>(() => builder.AddRedis("cache").WithReplicas(2));
    }

    private static DistributedApplicationBuilder NewBuilder() =>
        DistributedApplication.CreateBuilder(["--data-dir", Path.GetTempPath()]);
}
