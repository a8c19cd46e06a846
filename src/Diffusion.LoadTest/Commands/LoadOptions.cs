using System.CommandLine;
using System.Globalization;
using Diffusion.LoadTest.Load;

namespace Diffusion.LoadTest.Commands;

/// <summary>The options that shape the load, shared by <c>run</c> and <c>worker</c> (each command gets its own instances).</summary>
internal sealed class LoadOptions
{
    public Option<Uri?> Target { get; } = AddressOption.Create("--target", "Decisions' gRPC address, e.g. http://127.0.0.1:5100 (omit: no Decide mix)", null);
    public Option<Uri?> Quota { get; } = AddressOption.Create("--quota", "Quota's gRPC address", "http://127.0.0.1:5102");
    public Option<long> Reservations { get; } = new("--reservations") { Description = "Flows to start in all (each a direct Reserve or one order); 0: run for --duration" };
    public Option<double> Duration { get; } = new("--duration") { Description = "Seconds to load when --reservations is 0", DefaultValueFactory = _ => 30 };
    public Option<double> Rate { get; } = new("--rate") { Description = "Open loop: flows per second per worker (latency counts from the scheduled send time); 0: closed loop" };
    public Option<int> Concurrency { get; } = new("--concurrency") { Description = "Closed loop: flows in progress at once per worker", DefaultValueFactory = _ => 32 };
    public Option<double> Warmup { get; } = new("--warmup") { Description = "Seconds at the start left out of the latency figures", DefaultValueFactory = _ => 2 };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the mix", DefaultValueFactory = _ => 1 };
    public Option<double> DecideShare { get; } = new("--decide-share") { Description = "Share of flows sent to Decisions (with --target)", DefaultValueFactory = _ => 0.3 };
    public Option<int> Buckets { get; } = new("--buckets") { Description = "Buckets of the direct Quota mix", DefaultValueFactory = _ => 16 };
    public Option<long> BucketCap { get; } = new("--bucket-cap") { Description = "Cap of each bucket in TPP (0: sized so the buckets fill near the end of the run)" };
    public Option<string?> RunId { get; } = new("--run-id") { Description = "Names the run's buckets and ids; the same for every worker of a run (default: the time)" };
    public Option<double> ShortTtl { get; } = new("--short-ttl") { Description = "TTL in seconds of the reservations left to expire", DefaultValueFactory = _ => 5 };
    public Option<double> RetryFor { get; } = new("--retry-for") { Description = "Seconds a call keeps retrying UNAVAILABLE and other non-answers", DefaultValueFactory = _ => 60 };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Target, Quota, Reservations, Duration, Rate, Concurrency, Warmup, Seed, DecideShare, Buckets, BucketCap, RunId, ShortTtl, RetryFor })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>One worker's options; <paramref name="flows"/> is its share of --reservations.</summary>
    public WorkerOptions Bind(ParseResult parse, string worker, string outputDirectory, long flows, string runId)
    {
        var buckets = parse.GetValue(Buckets);
        var maxDraw = new WorkerOptions { Quota = parse.GetValue(Quota)!, RunId = "", Worker = "", OutputDirectory = "" }.MaxDraw;
        var cap = parse.GetValue(BucketCap);
        return new WorkerOptions
        {
            Target = parse.GetValue(Target),
            Quota = parse.GetValue(Quota)!,
            RunId = runId,
            Worker = worker,
            OutputDirectory = outputDirectory,
            Flows = flows,
            Duration = TimeSpan.FromSeconds(parse.GetValue(Duration)),
            Rate = parse.GetValue(Rate),
            Concurrency = Math.Max(1, parse.GetValue(Concurrency)),
            Warmup = TimeSpan.FromSeconds(parse.GetValue(Warmup)),
            Seed = parse.GetValue(Seed),
            DecideShare = parse.GetValue(DecideShare),
            Buckets = Math.Max(1, buckets),
            BucketCap = cap > 0 ? cap : WorkerOptions.CapFor(Math.Max(parse.GetValue(Reservations), 100_000), buckets, maxDraw),
            ShortTtl = TimeSpan.FromSeconds(parse.GetValue(ShortTtl)),
            RetryFor = TimeSpan.FromSeconds(parse.GetValue(RetryFor)),
        };
    }

    /// <summary>The run id given, or one made from the time (UTC, to the second) and a random suffix.</summary>
    public string RunIdOf(ParseResult parse) =>
        parse.GetValue(RunId) is { Length: > 0 } id
            ? id
            : DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture) + "-" + Random.Shared.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture);
}
