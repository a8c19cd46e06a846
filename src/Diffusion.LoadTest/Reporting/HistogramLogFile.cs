using System.Text;
using HdrHistogram;

namespace Diffusion.LoadTest.Reporting;

/// <summary>
/// An HdrHistogram interval log on disk in the standard text form (ASCII, as HdrHistogram's Java, Go and Python tools
/// read it). HdrHistogram.NET's <see cref="HistogramLogWriter"/> writes the right lines but as UTF-16, so it writes
/// into memory here and each batch of lines is appended to the file as UTF-8.
/// </summary>
internal sealed class HistogramLogFile : IDisposable
{
    private readonly MemoryStream _buffer = new();
    private readonly HistogramLogWriter _writer;
    private readonly FileStream _file;

    public HistogramLogFile(string path, DateTime startTime)
    {
        _file = File.Create(path);
        _writer = new HistogramLogWriter(_buffer);
        _writer.Write(startTime); // the header: format version, start time, legend
        Drain();
    }

    public void Append(HistogramBase histogram)
    {
        _writer.Append(histogram);
        Drain();
    }

    // Moves what the writer has flushed into the buffer to the file, then empties the buffer, so each interval costs
    // its own lines (copying the whole growing buffer each time meant, by the end of the million-reservation run, a
    // copy of each worker's whole log, about 5 MB in UTF-16, per call kind per second). The writer keeps writing at the buffer's position, now 0; it writes its
    // byte-order mark only once, and the TrimStart drops that one.
    private void Drain()
    {
        var text = Encoding.Unicode.GetString(_buffer.GetBuffer(), 0, (int)_buffer.Length).TrimStart('\uFEFF');
        _buffer.SetLength(0);
        _file.Write(Encoding.UTF8.GetBytes(text));
        _file.Flush();
    }

    public void Dispose()
    {
        _writer.Dispose();
        Drain();
        _file.Dispose();
    }
}
