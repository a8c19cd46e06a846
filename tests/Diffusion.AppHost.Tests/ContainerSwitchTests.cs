namespace Diffusion.AppHost.Tests;

/// <summary>
/// <c>AppHost:UseContainers=true</c> declares Aspire's Redis and PostgreSQL containers instead of local processes.
/// Only the app model is checked: there is no container engine here to start them.
/// </summary>
public sealed class ContainerSwitchTests
{
    [Fact]
    public async Task UseContainers_RedisAndPostgresAreContainerResources()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Diffusion_AppHost>(["--AppHost:UseContainers=true"]);

        Assert.IsType<RedisResource>(Resource(builder, "redis"));
        Assert.IsType<PostgresServerResource>(Resource(builder, "postgres"));
        var ledger = Assert.IsType<PostgresDatabaseResource>(Resource(builder, "ledger"));
        Assert.Equal("ledger", ledger.DatabaseName);
        Assert.All(new[] { "redis", "postgres" }, name => Assert.True(Resource(builder, name).IsContainer()));
        Assert.DoesNotContain(builder.Resources, resource => resource is LocalRedisResource or LocalPostgresResource);
        Assert.DoesNotContain(builder.Resources, resource => resource.Name == "postgres-init");
    }

    [Fact]
    public async Task ByDefault_RedisAndPostgresAreLocalProcesses()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Diffusion_AppHost>();

        Assert.IsType<LocalRedisResource>(Resource(builder, "redis"));
        Assert.IsType<LocalPostgresResource>(Resource(builder, "postgres"));
        Assert.IsType<LocalPostgresDatabaseResource>(Resource(builder, "ledger"));
        Assert.DoesNotContain(builder.Resources, resource => resource.IsContainer());
    }

    private static IResource Resource(IDistributedApplicationTestingBuilder builder, string name) =>
        builder.Resources.Single(resource => resource.Name == name);
}
