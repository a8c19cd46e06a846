using System.Globalization;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Diffusion.AppHost.Tests.Fuzz;

/// <summary>
/// A fuzz run's settings, chosen once and announced as an xUnit diagnostic message (xunit.runner.json turns them on),
/// which the console shows for a passing test too, so every run's seed can be repeated. Environment:
/// DIFFUSION_FUZZ_SEED (default: a new one each run), DIFFUSION_FUZZ_REQUESTS (300), DIFFUSION_FUZZ_PARALLELISM (8).
/// </summary>
public sealed class FuzzRun
{
    private readonly IMessageSink sink;

    public FuzzRun(IMessageSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        this.sink = sink;
        Seed = Setting("DIFFUSION_FUZZ_SEED", Random.Shared.Next());
        Requests = Setting("DIFFUSION_FUZZ_REQUESTS", 300);
        Parallelism = Setting("DIFFUSION_FUZZ_PARALLELISM", 8);
        sink.OnMessage(new DiagnosticMessage($"fuzz: seed {Seed}, {Requests} requests, {Parallelism} at a time (DIFFUSION_FUZZ_SEED={Seed} repeats the run)"));
    }

    public int Seed { get; }

    public int Requests { get; }

    public int Parallelism { get; }

    /// <summary>Shows <paramref name="line"/> in the console output, as the seed is.</summary>
    public void Report(string line) => sink.OnMessage(new DiagnosticMessage("fuzz: " + line));

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
