using Diffusion.Decisions.V1;
using Google.Protobuf;

namespace Diffusion.Cli;

/// <summary>Orders as files: one DecideRequest in protobuf JSON, or one per line (JSON Lines) for a batch.</summary>
internal static class OrderFiles
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    /// <summary>Reads one order.</summary>
    public static DecideRequest ReadOrder(string path) => Parse(ReadText(path), path);

    /// <summary>
    /// The orders of a JSON Lines file, read lazily line by line (a batch of any size is never all in memory), skipping
    /// blank lines and lines starting with '#'. A line that is not a DecideRequest comes back with its problem instead
    /// of an order, so one bad line does not stop the rest.
    /// </summary>
    public static IEnumerable<BatchLine> ReadBatch(string path)
    {
        using var reader = OpenText(path);
        var number = 0;
        while (reader.ReadLine() is { } text)
        {
            number++;
            var line = text.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            BatchLine parsed;
            try
            {
                parsed = new BatchLine(number, Parse(line, $"{path}:{number}"), null);
            }
            catch (CliException e)
            {
                parsed = new BatchLine(number, null, e.Message);
            }

            yield return parsed;
        }
    }

    /// <summary>How many orders a batch file holds (lines that are neither blank nor comments); null for standard input.</summary>
    public static int? CountBatch(string path)
    {
        if (path == "-")
        {
            return null;
        }

        using var reader = OpenText(path);
        var count = 0;
        while (reader.ReadLine() is { } text)
        {
            var line = text.AsSpan().Trim();
            if (line.Length > 0 && line[0] != '#')
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Parses one order in protobuf JSON (field names as in the proto or in lowerCamelCase).</summary>
    public static DecideRequest Parse(string json, string source)
    {
        try
        {
            return Parser.Parse<DecideRequest>(json);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CliException($"{source}: not a DecideRequest in protobuf JSON: {e.Message}");
        }
        catch (InvalidJsonException e)
        {
            throw new CliException($"{source}: invalid JSON: {e.Message}");
        }
    }

    private static TextReader OpenText(string path) =>
        path == "-" ? new StreamReader(Console.OpenStandardInput())
        : File.Exists(path) ? new StreamReader(path)
        : throw new CliException($"{path}: no such file");

    private static string ReadText(string path)
    {
        if (path == "-")
        {
            return Console.In.ReadToEnd();
        }

        return File.Exists(path) ? File.ReadAllText(path) : throw new CliException($"{path}: no such file");
    }
}

/// <summary>One order line of a batch file: the order, or why the line is not one.</summary>
internal sealed record BatchLine(int LineNumber, DecideRequest? Order, string? Problem);
