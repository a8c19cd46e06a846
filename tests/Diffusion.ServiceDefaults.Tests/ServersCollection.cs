using Diffusion.Testing.Postgres;
using Diffusion.Testing.Redis;

namespace Diffusion.ServiceDefaults.Tests;

/// <summary>Tests that need the shared real redis-server and PostgreSQL processes.</summary>
[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<RedisFixture>, ICollectionFixture<PostgresFixture>
{
    public const string Name = "servers";
}
