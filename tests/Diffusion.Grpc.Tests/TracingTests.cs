using System.Collections.Concurrent;
using System.Diagnostics;
using Diffusion.Grpc.Diagnostics;
using Diffusion.Testing.V1;
using Grpc.Core;

namespace Diffusion.Grpc.Tests;

/// <summary>W3C trace context across a call, and the client and server spans of the "Diffusion.Grpc" source.</summary>
// The listener is process-wide and other tests run in parallel: assertions select spans by the test's own trace id.
public sealed class TracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is GrpcDiagnostics.ActivitySourceName or "Tests" or "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Call_ContinuesTheCallersTrace_WithOneTraceparent()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);
        using var source = new ActivitySource("Tests");
        using var parent = source.StartActivity("caller")!;

        var reply = await client.UnaryAsync(new EchoRequest());

        Assert.Equal(parent.TraceId.ToHexString(), reply.TraceId);
        var traceparent = reply.RequestHeaders["traceparent"];
        Assert.DoesNotContain(",", traceparent, StringComparison.Ordinal);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", traceparent);
        Assert.Contains(parent.TraceId.ToHexString(), traceparent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientAndServerSpans_AreNamedAfterTheMethod_AndNested()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);
        using var source = new ActivitySource("Tests");
        ActivityTraceId traceId;
        using (var caller = source.StartActivity("caller")!)
        {
            traceId = caller.TraceId;
            await client.UnaryAsync(new EchoRequest());
        }

        var spans = _stopped.Where(a => a.TraceId == traceId && a.Source.Name == GrpcDiagnostics.ActivitySourceName).ToList();
        var clientSpan = Assert.Single(spans, a => a.Kind == ActivityKind.Client);
        var serverSpan = Assert.Single(spans, a => a.Kind == ActivityKind.Server);
        Assert.Equal(clientSpan.TraceId, serverSpan.TraceId);
        Assert.Equal("diffusion.testing.v1.TestService/Unary", clientSpan.OperationName);
        Assert.Equal("diffusion.testing.v1.TestService/Unary", serverSpan.OperationName);

        // The server span is a child of ASP.NET Core's request activity, itself continuing the client span.
        Assert.True(serverSpan.ParentSpanId == clientSpan.SpanId || serverSpan.Parent?.ParentSpanId == clientSpan.SpanId,
            string.Join("; ", _stopped.Where(a => a.TraceId == traceId).Select(a => $"{a.Source.Name}/{a.OperationName}/{a.Kind} {a.SpanId} <- {a.ParentSpanId}")));
        Assert.Equal("grpc", clientSpan.GetTagItem("rpc.system"));
        Assert.Equal("diffusion.testing.v1.TestService", serverSpan.GetTagItem("rpc.service"));
        Assert.Equal("Unary", serverSpan.GetTagItem("rpc.method"));
        Assert.Equal(0, serverSpan.GetTagItem("rpc.grpc.status_code"));
    }

    [Fact]
    public async Task FailedCall_MarksTheClientSpanAsError()
    {
        await using var server = await TestServers.StartAsync();
        var client = new TestService.TestServiceClient(server.Channel);
        using var source = new ActivitySource("Tests");
        ActivityTraceId traceId;
        using (var caller = source.StartActivity("caller")!)
        {
            traceId = caller.TraceId;
            await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(new EchoRequest { FailCode = 5 }).ResponseAsync);
        }

        var clientSpan = Assert.Single(_stopped, a => a.TraceId == traceId && a.Kind == ActivityKind.Client && a.Source.Name == GrpcDiagnostics.ActivitySourceName);
        Assert.Equal(ActivityStatusCode.Error, clientSpan.Status);
        Assert.Equal(5, clientSpan.GetTagItem("rpc.grpc.status_code"));
    }
}
