namespace Diffusion.AppHost.Orchestration;

/// <summary>One console line of a resource.</summary>
/// <param name="Sequence">Increasing per resource, from 1.</param>
/// <param name="Time">When the AppHost read it.</param>
/// <param name="Source">Which process: "quota-0", "build", "apphost".</param>
/// <param name="IsError">Read from stderr.</param>
/// <param name="Text">The line.</param>
public sealed record LogLine(long Sequence, DateTimeOffset Time, string Source, bool IsError, string Text);

/// <summary>
/// The last lines of a resource's console output, kept in memory for the dashboard (tail + live stream) and appended
/// to <c>{data}/logs/{resource}.log</c>.
/// </summary>
public sealed class LogBuffer : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<LogLine> _lines = new();
    private readonly int _capacity;
    private readonly StreamWriter? _file;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;

    /// <summary>Creates a buffer keeping <paramref name="capacity"/> lines; <paramref name="filePath"/> null keeps no file.</summary>
    public LogBuffer(int capacity = 5000, string? filePath = null)
    {
        _capacity = capacity;
        if (filePath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
            _file = new StreamWriter(new FileStream(filePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        }
    }

    /// <summary>Sequence number of the newest line (0 when empty).</summary>
    public long LastSequence
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    /// <summary>Adds a line and wakes the readers waiting for one.</summary>
    public void Add(string source, string text, bool isError = false)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            var line = new LogLine(++_sequence, DateTimeOffset.UtcNow, source, isError, text);
            _lines.Enqueue(line);
            while (_lines.Count > _capacity)
            {
                _lines.Dequeue();
            }
            _file?.WriteLine($"{line.Time:O} [{source}]{(isError ? " !" : "")} {text}");
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>Lines after <paramref name="afterSequence"/> (at most <paramref name="limit"/>, the newest ones).</summary>
    public IReadOnlyList<LogLine> After(long afterSequence, int limit = 1000)
    {
        lock (_gate)
        {
            var lines = _lines.Where(l => l.Sequence > afterSequence).ToList();
            return lines.Count > limit ? lines[^limit..] : lines;
        }
    }

    /// <summary>Completes when a line newer than <paramref name="afterSequence"/> exists (or on cancellation).</summary>
    public async Task WaitForLinesAsync(long afterSequence, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_gate)
        {
            if (_sequence > afterSequence)
            {
                return;
            }
            changed = _changed.Task;
        }
        await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
        }
    }
}
