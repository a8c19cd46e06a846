using System.Text.Json;
using System.Threading.Channels;

namespace Diffusion.LoadTest.History;

/// <summary>
/// Appends <see cref="HistoryEvent"/>s to a JSON-lines file from any number of concurrent calls: lines queue in a
/// channel and one task writes them, so callers never contend on the file.
/// </summary>
internal sealed class HistoryWriter : IAsyncDisposable
{
    private readonly Channel<HistoryEvent> _queue = Channel.CreateUnbounded<HistoryEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly StreamWriter _file;
    private readonly Task _pump;

    public HistoryWriter(string path)
    {
        _file = new StreamWriter(path, append: false) { AutoFlush = false };
        _pump = PumpAsync();
    }

    /// <summary>Queues one line.</summary>
    public void Append(HistoryEvent e) => _queue.Writer.TryWrite(e);

    private async Task PumpAsync()
    {
        await foreach (var e in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await _file.WriteLineAsync(JsonSerializer.Serialize(e, HistoryJson.Default.HistoryEvent)).ConfigureAwait(false);
            if (!_queue.Reader.TryPeek(out _))
            {
                await _file.FlushAsync().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
        await _file.DisposeAsync().ConfigureAwait(false);
    }
}
