using System.Globalization;
using System.Text.RegularExpressions;

namespace Diffusion.Storage.Migrations;

/// <summary>One schema migration: the file <c>NNNN_name.sql</c> (four digits, then a name of word characters).</summary>
/// <param name="Version">The file's number: migrations apply in ascending version order, each once.</param>
/// <param name="Name">The file's name after the number, recorded in the journal beside the version.</param>
/// <param name="Sql">The statements, run in the transaction of the whole migration run.</param>
public sealed partial record Migration(int Version, string Name, string Sql)
{
    /// <summary>The migration in a file named <paramref name="fileName"/> (<c>NNNN_name.sql</c>, no folder).</summary>
    /// <exception cref="InvalidOperationException">The name does not follow the convention.</exception>
    public static Migration FromFile(string fileName, string sql)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(sql);
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
        {
            throw new InvalidOperationException($"migration '{fileName}' is not named NNNN_name.sql (four digits, an underscore, word characters)");
        }

        return new Migration(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value, sql);
    }

    /// <summary>The file name this migration came from.</summary>
    public string FileName => $"{Version:D4}_{Name}.sql";

    [GeneratedRegex(@"^(\d{4})_(\w+)\.sql$")]
    private static partial Regex FileNamePattern();
}
