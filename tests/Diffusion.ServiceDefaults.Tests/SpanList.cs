using System.Collections.ObjectModel;
using System.Diagnostics;

namespace Diffusion.ServiceDefaults.Tests;

/// <summary>
/// The in-memory exporter's target, safe to read while spans arrive: ActivitySources are process-wide, so spans of
/// hosts in tests running in parallel are exported here too, from their threads.
/// </summary>
internal sealed class SpanList : Collection<Activity>
{
    private readonly Lock gate = new();

    public List<Activity> Snapshot()
    {
        lock (gate)
        {
            return [.. Items];
        }
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (gate)
        {
            base.InsertItem(index, item);
        }
    }
}
