using System.Diagnostics;
using System.Globalization;
using Diffusion.Classification;
using Diffusion.Classification.Grpc;
using Diffusion.Classification.V1;
using Diffusion.Rules;
using Domain = Diffusion.Rules.Classification;
using Diffusion.Benchmarks.Baseline;
using Diffusion.Testing.Grpc;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diffusion.Benchmarks.Classification;

/// <summary>
/// Classify calls per second over real gRPC (Kestrel h2c on 127.0.0.1, the project's client), against the
/// transport's empty unary call served by the same process in the same run. Client and server share the machine.
/// Arguments: <c>[seconds per call kind, default 10, in 2 s interleaved slices] [concurrent callers, default 64]</c>.
/// </summary>
internal sealed class ClassificationBenchmark : IBenchmark
{
    public string Name => "classification";

    public string Description => "Classify calls/s over gRPC vs the transport's empty unary call (same run)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
        await using var server = await GrpcTestServer.StartAsync(
            builder =>
            {
                // As Program.cs: every Classify's bearer token validated (the channel carries the tests' token; the empty
                // baseline is called without one, nothing behind it), so the ratio includes what JWT validation costs.
                builder.AddServiceDefaults();
                builder.AddDiffusionAuthentication();
                builder.AddClassificationServices();
            },
            app =>
            {
                app.MapGrpcService<ClassificationGrpcService>();
                EmptyUnaryBaseline.Map(app);
            },
            cancellationToken);
        var invoker = EmptyUnaryBaseline.Invoker(server);
        var client = new ClassificationService.ClassificationServiceClient(server.Channel);
        var empty = new Empty();
        var knownChip = new ClassifyRequest { KnownChip = "NVIDIA H100 SXM", RuleSet = "aid-2025" };
        var spec = new ClassifyRequest { Chip = Spec(), AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 1, 20, 0, 0, 0, TimeSpan.Zero)) };

        var cases = new (string Name, Func<Task> Call)[]
        {
            ("empty unary (baseline)", async () => await invoker.AsyncUnaryCall(EmptyServiceBase.PingMethod, null, default, empty)),
            ("Classify chip spec (3 rates, 2 units)", async () => await client.ClassifyAsync(spec)),
            ("Classify known_chip", async () => await client.ClassifyAsync(knownChip)),
        };

        // The machine is shared: measure in interleaved 2 s slices (A B C A B C ...) so load changes hit every case alike.
        var slice = TimeSpan.FromSeconds(2);
        var rounds = Math.Max(1, seconds / 2);
        Console.WriteLine($"classification benchmark: {rounds} interleaved rounds of {slice.TotalSeconds} s per call kind, " +
            $"{concurrency} concurrent callers, one h2c connection, {Environment.ProcessorCount} cores");
        foreach (var (_, call) in cases)
        {
            await MeasureAsync(call, concurrency, TimeSpan.FromSeconds(1), cancellationToken); // warm-up
        }

        var totals = new (long Calls, TimeSpan Time)[cases.Length];
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < cases.Length; i++)
            {
                var (calls, time) = await MeasureAsync(cases[i].Call, concurrency, slice, cancellationToken);
                totals[i] = (totals[i].Calls + calls, totals[i].Time + time);
            }
        }

        var baseline = totals[0].Calls / totals[0].Time.TotalSeconds;
        var inProcess = InProcess(server.Services, spec.Chip, TimeSpan.FromSeconds(2));
        Console.WriteLine();
        Console.WriteLine("| call | calls/s | vs empty unary |");
        Console.WriteLine("|---|---:|---:|");
        for (var i = 0; i < cases.Length; i++)
        {
            var perSecond = totals[i].Calls / totals[i].Time.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {cases[i].Name} | {perSecond:N0} | {perSecond / baseline:P0} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| (in-process, one thread: resolve + classify + map + serialize the chip spec, no transport) | {inProcess:N0} | |"));

        return 0;
    }

    // The work behind one Classify without the transport, on one thread, while nothing else runs.
    private static double InProcess(IServiceProvider services, ChipSpec chip, TimeSpan duration)
    {
        var registry = services.GetRequiredService<RuleSetRegistry>();
        var asOf = new DateOnly(2026, 1, 20);
        long calls = 0;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < duration)
        {
            var ruleSet = registry.Resolve(null, asOf);
            var result = Domain.ClassificationEvaluator.Classify(chip.ToDomain(), ruleSet.Get<Domain.ClassificationRules>());
            _ = result.ToProto(ruleSet).ToByteArray();
            calls++;
        }

        return calls / stopwatch.Elapsed.TotalSeconds;
    }

    private static ChipSpec Spec()
    {
        var chip = new ChipSpec { Name = "bench", ApplicableDieAreaMm2 = 814, TotalDramBandwidthGbPerS = 4000 };
        chip.Rates.Add(new ComputeRate { BitLength = 8, DenseTops = 296, Unit = "tensor", Format = "FP8" });
        chip.Rates.Add(new ComputeRate { BitLength = 8, DenseTops = 296, Unit = "tensor", Format = "INT8" });
        chip.Rates.Add(new ComputeRate { BitLength = 16, DenseTops = 74, Unit = "vector", Format = "FP16" });
        return chip;
    }

    // Calls completed by `concurrency` callers looping until the duration is over, and the time taken; every call must succeed.
    private static async Task<(long Calls, TimeSpan Time)> MeasureAsync(Func<Task> call, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        long calls = 0;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (stopwatch.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                await call();
                Interlocked.Increment(ref calls);
            }
        }, cancellationToken));
        await Task.WhenAll(workers);
        return (calls, stopwatch.Elapsed);
    }
}
