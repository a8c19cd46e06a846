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
    private int _drained;

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

    private void Drain()
    {
        var bytes = _buffer.ToArray();
        var text = Encoding.Unicode.GetString(bytes, _drained, bytes.Length - _drained).TrimStart('\uFEFF');
        _drained = bytes.Length;
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
