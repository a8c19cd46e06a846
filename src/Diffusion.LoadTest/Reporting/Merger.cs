using Diffusion.LoadTest.Load;

namespace Diffusion.LoadTest.Reporting;

/// <summary>
/// Combines workers' directories (from one machine or many, copied together) into one: their histories and fault
/// records concatenated, their HdrHistogram logs merged per kind and second, their worker.json files listed.
/// </summary>
internal static class Merger
{
    /// <summary>File of the merged directory listing the workers (an array of their worker.json).</summary>
    public const string WorkersFile = "workers.json", FaultsFile = "faults.jsonl";

    /// <summary>The worker directories in <paramref name="inputs"/>: each input is a worker's directory or holds some.</summary>
    public static IReadOnlyList<string> WorkerDirectories(IEnumerable<string> inputs) =>
        [.. inputs.SelectMany<string, string>(input => File.Exists(Path.Combine(input, Worker.HistoryFile))
            ? [input]
            : Directory.EnumerateDirectories(input).Where(d => File.Exists(Path.Combine(d, Worker.HistoryFile))).Order(StringComparer.Ordinal))];

    public static async Task<int> MergeAsync(IReadOnlyList<string> inputs, string output, CancellationToken cancellationToken)
    {
        var workers = WorkerDirectories(inputs);
        if (workers.Count == 0)
        {
            throw new InvalidOperationException($"no worker directory (one with {Worker.HistoryFile}) in {string.Join(", ", inputs)}");
        }

        Directory.CreateDirectory(output);
        await ConcatenateAsync(workers, Worker.HistoryFile, Path.Combine(output, Worker.HistoryFile), cancellationToken);
        await ConcatenateAsync([.. inputs, .. workers], FaultsFile, Path.Combine(output, FaultsFile), cancellationToken);
        var intervals = workers.Where(w => File.Exists(Path.Combine(w, Worker.LatencyFile))).SelectMany(w => LatencyLog.Read(Path.Combine(w, Worker.LatencyFile)));
        LatencyLog.Write(Path.Combine(output, Worker.LatencyFile), LatencyLog.Merge(intervals));
        var metas = await Task.WhenAll(workers
            .Select(w => Path.Combine(w, Worker.MetaFile))
            .Where(File.Exists)
            .Select(f => File.ReadAllTextAsync(f, cancellationToken)));
        await File.WriteAllTextAsync(Path.Combine(output, WorkersFile), "[\n" + string.Join(",\n", metas) + "\n]\n", cancellationToken);
        return workers.Count;
    }

    private static async Task ConcatenateAsync(IEnumerable<string> directories, string name, string target, CancellationToken cancellationToken)
    {
        var sources = directories.Select(d => Path.GetFullPath(Path.Combine(d, name))).Where(File.Exists)
            .Where(f => f != Path.GetFullPath(target)).Distinct().ToList();
        if (sources.Count == 0)
        {
            return; // nothing to add (a faults.jsonl already in the output stays as it is)
        }

        var temporary = target + ".tmp";
        await using (var output = File.Create(temporary))
        {
            foreach (var source in sources)
            {
                await using var input = File.OpenRead(source);
                await input.CopyToAsync(output, cancellationToken);
            }
        }

        File.Move(temporary, target, overwrite: true);
    }
}
