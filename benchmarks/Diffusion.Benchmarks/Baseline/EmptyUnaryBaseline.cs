using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Diffusion.Testing.Grpc;
using Microsoft.AspNetCore.Routing;

namespace Diffusion.Benchmarks.Baseline;

/// <summary>
/// The "empty unary call" baseline for any harness that measures a service over gRPC: map it on the same server,
/// measure it in the same run, report the service's calls/s as a ratio of it.
/// <code>
/// await using var server = await GrpcTestServer.StartAsync(b => b.AddQuotaServices(), app =>
/// {
///     app.MapGrpcService&lt;QuotaGrpcService&gt;();
///     EmptyUnaryBaseline.Map(app);
/// });
/// var baseline = await EmptyUnaryBaseline.MeasureAsync(EmptyUnaryBaseline.Invoker(server), 64, TimeSpan.FromSeconds(5), ct);
/// </code>
/// </summary>
internal static class EmptyUnaryBaseline
{
    private static readonly Empty Request = new();

    /// <summary>Maps <see cref="EmptyUnaryService"/> (<c>/diffusion.benchmarks.v1.EmptyService/Ping</c>),
    /// open to anonymous callers on hosts with authentication: the baseline is the transport alone, nothing behind it.</summary>
    public static void Map(IEndpointRouteBuilder endpoints) => endpoints.MapGrpcService<EmptyUnaryService>().AllowAnonymous();

    /// <summary>
    /// A caller of the baseline on <paramref name="server"/> that presents no token. The authentication middleware
    /// validates any bearer token a request carries, even on an anonymous endpoint, so empty calls on the harness's
    /// token-carrying channel each paid a JWT validation (RS256): that baseline was not empty, and it flattered every
    /// ratio (Quota's pairs 0.19-0.23x against it, 0.06x against calls without a token, same machine state).
    /// </summary>
    public static CallInvoker Invoker(GrpcTestServer server) => server.CreateAnonymousChannel().CreateCallInvoker();

    /// <summary>One empty unary call through <paramref name="invoker"/>.</summary>
    public static async Task CallAsync(CallInvoker invoker) =>
        await invoker.AsyncUnaryCall(EmptyServiceBase.PingMethod, null, default, Request).ConfigureAwait(false);

    /// <summary>Empty unary calls per second from <paramref name="concurrency"/> callers over <paramref name="duration"/>.</summary>
    public static async Task<double> MeasureAsync(CallInvoker invoker, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var (calls, time) = await CallRate.MeasureAsync(() => CallAsync(invoker), concurrency, duration, cancellationToken).ConfigureAwait(false);
        return calls / time.TotalSeconds;
    }
}

/// <summary>Closed-loop load: callers that each start the next call when the previous one ends.</summary>
internal static class CallRate
{
    /// <summary>Calls completed by <paramref name="concurrency"/> callers looping until <paramref name="duration"/> is over, and the time taken.</summary>
    public static async Task<(long Calls, TimeSpan Time)> MeasureAsync(Func<Task> call, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        long calls = 0;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (stopwatch.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                await call().ConfigureAwait(false);
                Interlocked.Increment(ref calls);
            }
        }, cancellationToken));
        await Task.WhenAll(workers).ConfigureAwait(false);
        return (calls, stopwatch.Elapsed);
    }
}
