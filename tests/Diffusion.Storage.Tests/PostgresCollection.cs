using Diffusion.Testing.Postgres;

namespace Diffusion.Storage.Tests;

/// <summary>The shared PostgreSQL server for every test that needs one.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
