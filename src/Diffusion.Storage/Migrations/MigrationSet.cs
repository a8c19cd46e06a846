using System.Reflection;
using System.Text.RegularExpressions;

namespace Diffusion.Storage.Migrations;

/// <summary>
/// The migrations of one PostgreSQL schema, in version order, journaled in <c>&lt;schema&gt;.schema_version</c>.
/// A set is checked when made: at least one migration, no version twice, a plain lower-case schema name.
/// </summary>
public sealed partial class MigrationSet
{
    /// <summary>A set of <paramref name="migrations"/> for <paramref name="schema"/>, see <see cref="Prologue"/>.</summary>
    /// <exception cref="InvalidOperationException">The set is empty, a version repeats, or the schema name is not plain.</exception>
    public MigrationSet(string schema, IEnumerable<Migration> migrations, string? prologue = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(migrations);
        if (!PlainIdentifier().IsMatch(schema))
        {
            throw new InvalidOperationException($"schema '{schema}' is not a plain identifier (lower-case letters, digits, underscores)");
        }

        Schema = schema;
        Prologue = prologue;
        Migrations = [.. migrations.OrderBy(m => m.Version)];
        if (Migrations.Count == 0)
        {
            // A service whose build embedded no migration would start against an empty schema and fail later.
            throw new InvalidOperationException($"no migrations for schema {schema}");
        }

        if (Migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidOperationException(
                $"schema {schema}: migration version {twice.Key:D4} is used by {string.Join(" and ", twice.Select(m => m.FileName))}");
        }
    }

    /// <summary>The schema the migrations build (created if missing), and where their journal lives.</summary>
    public string Schema { get; }

    /// <summary>The migrations, in ascending version order.</summary>
    public IReadOnlyList<Migration> Migrations { get; }

    /// <summary>The journal table, schema-qualified.</summary>
    public string Journal => $"{Schema}.schema_version";

    /// <summary>
    /// SQL run under the migration lock after the journal table exists and before it is read, in the same transaction:
    /// for carrying over a journal an earlier version of the service kept in another shape. Null: nothing.
    /// </summary>
    public string? Prologue { get; }

    /// <summary>
    /// The set made of the <c>.sql</c> resources of <paramref name="assembly"/> whose logical names start with
    /// <paramref name="resourcePrefix"/> (the csproj embeds <c>Storage/Migrations/*.sql</c> under that prefix).
    /// </summary>
    public static MigrationSet FromEmbeddedResources(string schema, Assembly assembly, string resourcePrefix, string? prologue = null)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrEmpty(resourcePrefix);
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(Migration.FromFile(resource[resourcePrefix.Length..], reader.ReadToEnd()));
        }

        return new MigrationSet(schema, migrations, prologue);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex PlainIdentifier();
}
