using Diffusion.LoadTest.Faults;
using ScottPlot;

namespace Diffusion.LoadTest.Reporting;

/// <summary>The report's PNG charts (ScottPlot): throughput and latency percentiles over time, faults drawn on both.</summary>
internal static class Charts
{
    private const int Width = 1100, Height = 420;

    /// <summary>A series: its legend and its points (x in seconds since the start of the run).</summary>
    public sealed record Series(string Legend, double[] Xs, double[] Ys);

    public static void Write(string path, string title, string yLabel, IReadOnlyList<Series> series, IReadOnlyList<FaultRecord> faults, long startMicros, bool logScale)
    {
        var plot = new Plot();
        foreach (var s in series.Where(s => s.Xs.Length > 0))
        {
            var ys = logScale ? s.Ys.Select(y => Math.Log10(Math.Max(y, 0.01))).ToArray() : s.Ys;
            var line = plot.Add.ScatterLine(s.Xs, ys);
            line.LegendText = s.Legend;
            line.LineWidth = 1.5f;
        }

        foreach (var fault in faults.Where(f => f.Error is null))
        {
            var injected = plot.Add.VerticalLine((fault.InjectedMicros - startMicros) / 1e6);
            injected.LabelText = fault.Fault;
            injected.Color = Colors.Red;
            injected.LinePattern = LinePattern.Dashed;
            if (fault.RecoveredMicros is { } recovered)
            {
                var back = plot.Add.VerticalLine((recovered - startMicros) / 1e6);
                back.Color = Colors.Green;
                back.LinePattern = LinePattern.Dotted;
            }
        }

        if (logScale)
        {
            var ticks = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = y => Math.Pow(10, y).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
            };
            plot.Axes.Left.TickGenerator = ticks;
        }

        plot.Title(title);
        plot.XLabel("seconds since the start (red dashed: fault injected; green dotted: serving again)");
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
    }
}
