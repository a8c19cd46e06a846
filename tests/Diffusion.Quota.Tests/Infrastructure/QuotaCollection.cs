
namespace Diffusion.Quota.Tests.Infrastructure;

/// <summary>One redis-server and one PostgreSQL for the quota suites; each test takes its own database and key prefix.</summary>
[CollectionDefinition(Name)]
public sealed class QuotaCollection : ICollectionFixture<RedisFixture>, ICollectionFixture<PostgresFixture>
{
    public const string Name = "quota";
}
