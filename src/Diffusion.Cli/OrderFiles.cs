using Diffusion.Decisions.V1;
using Google.Protobuf;

namespace Diffusion.Cli;

/// <summary>Orders as files: one DecideRequest in protobuf JSON, or one per line (JSON Lines) for a batch.</summary>
internal static class OrderFiles
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    /// <summary>Reads one order.</summary>
    public static DecideRequest ReadOrder(string path) => Parse(ReadText(path), path);

    /// <summary>Reads a batch, skipping blank lines and lines starting with '#'.</summary>
    public static IReadOnlyList<DecideRequest> ReadBatch(string path)
    {
        var orders = new List<DecideRequest>();
        var lines = ReadText(path).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                orders.Add(Parse(line, $"{path}:{i + 1}"));
            }
        }

        return orders;
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

    private static string ReadText(string path)
    {
        if (path == "-")
        {
            return Console.In.ReadToEnd();
        }

        return File.Exists(path) ? File.ReadAllText(path) : throw new CliException($"{path}: no such file");
    }
}
