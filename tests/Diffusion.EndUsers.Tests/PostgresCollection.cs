using Diffusion.Testing.Postgres;

namespace Diffusion.EndUsers.Tests;

/// <summary>The shared PostgreSQL server for every test that needs one.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>PostgreSQL and Redis: what the real Quota service needs besides itself.</summary>
[CollectionDefinition(Name)]
public sealed class QuotaStackCollection : ICollectionFixture<PostgresFixture>, ICollectionFixture<Diffusion.Testing.Redis.RedisFixture>
{
    public const string Name = "quota-stack";
}
