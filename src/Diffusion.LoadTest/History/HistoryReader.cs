using System.Text.Json;

namespace Diffusion.LoadTest.History;

/// <summary>Reads history files back (a worker's, or the merged one).</summary>
internal static class HistoryReader
{
    /// <summary>Every event of <paramref name="path"/>, in file order; a torn last line (a worker killed mid-write) is skipped.</summary>
    public static IEnumerable<HistoryEvent> Read(string path)
    {
        using var reader = new StreamReader(path);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            HistoryEvent? e;
            try
            {
                e = JsonSerializer.Deserialize(line, HistoryJson.Default.HistoryEvent);
            }
            catch (JsonException) when (reader.Peek() < 0)
            {
                yield break;
            }

            if (e is not null)
            {
                yield return e;
            }
        }
    }
}
