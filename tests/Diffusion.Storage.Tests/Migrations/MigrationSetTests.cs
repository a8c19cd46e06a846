using Diffusion.Storage.Migrations;

namespace Diffusion.Storage.Tests.Migrations;

public sealed class MigrationSetTests
{
    [Theory]
    [InlineData("0001_ledger.sql", 1, "ledger")]
    [InlineData("0012_veus_deployments_attrition.sql", 12, "veus_deployments_attrition")]
    public void FromFile_ConventionalName_VersionAndName(string file, int version, string name)
    {
        var migration = Migration.FromFile(file, "SELECT 1");

        Assert.Equal((version, name, file), (migration.Version, migration.Name, migration.FileName));
    }

    // Three digits was the EndUsers convention and sorted by name; one convention now: four digits, sorted by number.
    [Theory]
    [InlineData("001_short.sql")]
    [InlineData("ledger.sql")]
    [InlineData("0001-dash.sql")]
    [InlineData("0001_ledger.txt")]
    [InlineData("0001_.sql")]
    public void FromFile_OtherName_RefusedNamingTheFile(string file)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Migration.FromFile(file, "SELECT 1"));

        Assert.Contains(file, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_OrdersByVersionNumber()
    {
        var set = new MigrationSet("s", [Migration.FromFile("0010_c.sql", ""), Migration.FromFile("0002_b.sql", ""), Migration.FromFile("0001_a.sql", "")]);

        Assert.Equal([1, 2, 10], set.Migrations.Select(m => m.Version));
        Assert.Equal("s.schema_version", set.Journal);
    }

    [Fact]
    public void Set_VersionTwice_RefusedNamingBothFiles()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            new MigrationSet("s", [Migration.FromFile("0001_a.sql", ""), Migration.FromFile("0001_b.sql", "")]));

        Assert.Contains("0001_a.sql and 0001_b.sql", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_Empty_Refused()
    {
        Assert.Throws<InvalidOperationException>(() => new MigrationSet("s", []));
    }

    [Theory]
    [InlineData("Public")]
    [InlineData("a;DROP TABLE x")]
    [InlineData("")]
    public void Set_SchemaNotPlain_Refused(string schema)
    {
        Assert.Throws<InvalidOperationException>(() => new MigrationSet(schema, [Migration.FromFile("0001_a.sql", "")]));
    }
}
