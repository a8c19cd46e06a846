using System.Collections.Concurrent;
using System.Globalization;
using Diffusion.Classification.V1;
using Diffusion.ServiceDefaults.Security;
using Diffusion.Quota.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace Diffusion.AppHost.Tests.Fuzz;

/// <summary>
/// A hostile client against the whole system (issue 16): seeded requests to every unary method every service serves,
/// as random bytes, truncated messages, plausible messages, messages with one hostile value and messages with a huge
/// repeated field, one in ten with a 1-20 ms deadline. Afterwards Quota's Redis agrees with its ledger, no service
/// restarted, and answers to reference requests are what they were before.
/// </summary>
/// <remarks>
/// The suite's run is short (300 requests, a new seed each run, printed: see <see cref="FuzzRun"/>); the long run and
/// its seed are in docs/fuzzing.md.
/// </remarks>
[Collection(AppCollection.Name)]
public sealed class FuzzTests(AppFixture fixture, FuzzRun settings, ITestOutputHelper output) : IClassFixture<FuzzRun>
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    /// <summary>The gRPC resources and how many channels each gets (DCP's proxy picks a Quota replica per connection).</summary>
    private static readonly (string Resource, int Channels)[] Resources =
        [("classification", 1), ("quota", 3), ("modelweights", 1), ("endusers", 1), ("decisions", 1)];

    [Fact]
    public async Task HostileRequests_ToEveryUnaryMethod_AnsweredWithinTheContractAndNothingBreaks()
    {
        var (seed, requests, parallelism) = (settings.Seed, settings.Requests, settings.Parallelism);

        using var timeout = new CancellationTokenSource(AppFixture.Timeout + TimeSpan.FromMilliseconds(requests * 100.0));
        await AppFixture.WaitAllHealthyAsync(fixture.App, timeout.Token);
        var channels = Resources.ToDictionary(r => r.Resource, r => Enumerable.Range(0, r.Channels).Select(_ => fixture.Channel(r.Resource)).ToArray());
        // Methods no person may call (Quota's Reserve, Commit, Release) are fuzzed as a service calls them.
        var serviceChannels = Resources.ToDictionary(r => r.Resource, r => Enumerable.Range(0, r.Channels).Select(_ => fixture.Channel(r.Resource, Roles.Service)).ToArray());
        var quota = new QuotaService.QuotaServiceClient(channels["quota"][0]);
        // An earlier test may have restarted Redis: Quota answers UNAVAILABLE until it has rebuilt Redis from the ledger.
        Assert.Empty(await DiscrepanciesAsync(quota, timeout.Token));

        var run = seed.ToString("x8", CultureInfo.InvariantCulture);
        var references = new References(channels, run);
        var before = await references.AnswersAsync(timeout.Token);
        var processes = await ProcessesAsync();

        var methods = await UnaryMethods.DiscoverAsync(channels.ToDictionary(c => c.Key, c => c.Value[0]), timeout.Token);
        Assert.Equal(Resources.Select(r => r.Resource).Order(), methods.Select(m => m.Resource).Distinct().Order());
        settings.Report($"{methods.Count} unary methods of {methods.Select(m => m.Descriptor.Service.FullName).Distinct().Count()} services");
        output.WriteLine($"{methods.Count} unary methods: {string.Join(", ", methods.Select(m => m.FullName))}");

        var chips = await new ClassificationService.ClassificationServiceClient(channels["classification"][0])
            .ListKnownChipsAsync(new ListKnownChipsRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: timeout.Token);
        var generator = new RequestGenerator(seed, new PlausibleValues(run, chips.Chips.Select(c => c.Spec.Name).ToList()));

        var answers = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentBag<string>();
        await Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = timeout.Token }, async (i, ct) =>
        {
            var request = generator.Next(i, methods);
            var pool = AccessPolicy.RolesFor(request.Method.FullName).Any(Roles.People.Contains) ? channels : serviceChannels;
            var channel = pool[request.Method.Resource][i % pool[request.Method.Resource].Length];
            var status = await CallAsync(channel, request);
            answers.AddOrUpdate($"{status.StatusCode}", 1, (_, n) => n + 1);
            if (Verdict.Problem(request, status) is { } problem)
            {
                failures.Add($"case {i}: {request.Method.FullName} with {request.Description}: {problem}: {HostileValues.Describe(status.Detail, 200)}");
            }
        });
        settings.Report($"seed {seed}: answers " + string.Join(", ", answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} {a.Value}")));

        Assert.True(failures.IsEmpty, $"seed {seed}: {failures.Count} of {requests} answers broke the contract:\n" + string.Join("\n", failures.Order().Take(40)));
        Assert.Empty(await DiscrepanciesAsync(quota, timeout.Token));
        Assert.Equal(processes, await ProcessesAsync());
        Assert.Equal(before, await references.AnswersAsync(timeout.Token));
    }

    private static async Task<Status> CallAsync(GrpcChannel channel, FuzzCase request)
    {
        var method = new Method<byte[], byte[]>(MethodType.Unary, request.Method.Descriptor.Service.FullName, request.Method.Descriptor.Name, Bytes, Bytes);
        try
        {
            await channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow + request.Deadline), request.Body);
            return Status.DefaultSuccess;
        }
        catch (RpcException e)
        {
            return e.Status;
        }
    }

    /// <summary>
    /// CheckConsistency's differences once Quota has settled: a call cancelled by its 1-20 ms deadline may still be
    /// finishing its work (it is detached from the caller), so a difference must persist for 60 s to count.
    /// </summary>
    private static async Task<IReadOnlyList<Discrepancy>> DiscrepanciesAsync(QuotaService.QuotaServiceClient quota, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        IReadOnlyList<Discrepancy> last = [];
        while (true)
        {
            try
            {
                var answer = await quota.CheckConsistencyAsync(new CheckConsistencyRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken);
                last = answer.Discrepancies;
                if (answer.Consistent || DateTime.UtcNow > until)
                {
                    return last;
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && DateTime.UtcNow < until)
            {
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>
    /// Each replica's process id (a service, Redis or PostgreSQL that crashed during the run comes back with another):
    /// the notification service replays every resource's current snapshot to a new watcher first.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, int?>> ProcessesAsync()
    {
        var names = Resources.Select(r => r.Resource).Concat(["redis", "postgres"]).ToHashSet();
        var pids = new SortedDictionary<string, int?>(StringComparer.Ordinal);
        using var replayed = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var update in fixture.App.ResourceNotifications.WatchAsync(replayed.Token))
            {
                if (names.Contains(update.Resource.Name))
                {
                    pids[update.ResourceId] = Processes.Pid(update);
                }
            }
        }
        catch (OperationCanceledException) when (replayed.IsCancellationRequested)
        {
        }

        return pids;
    }
}
