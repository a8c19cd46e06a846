using System.Diagnostics;
using Diffusion.Testing.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Diffusion.Interop.Tests.Services;

/// <summary>The service under the transport tests; every behaviour is chosen by the request.</summary>
public sealed class TestGrpcService(CallLog log) : TestService.TestServiceBase
{
    public override async Task<EchoReply> Unary(EchoRequest request, ServerCallContext context)
    {
        await BehaveAsync(request, context);
        if (request.EchoMetadata)
        {
            await context.WriteResponseHeadersAsync(new Metadata { { "echo-header", "header-value" } });
            context.ResponseTrailers.Add("echo-trailer", "trailer-value");
            context.ResponseTrailers.Add("echo-trailer-bin", [0, 1, 2, 255]);
        }

        return Reply(request, context, 0);
    }

    public override async Task ServerStream(EchoRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(Reply(request, context, i));
            if (request.DelayMs > 0)
            {
                await DelayAsync(request, context);
            }
        }

        Fail(request);
    }

    public override async Task<EchoReply> ClientStream(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context)
    {
        var messages = new List<string>();
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            messages.Add(request.Message);
            Fail(request);
        }

        return new EchoReply { Message = string.Join(",", messages), Index = messages.Count };
    }

    public override async Task Duplex(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        var index = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(Reply(request, context, index++));
        }
    }

    private async Task BehaveAsync(EchoRequest request, ServerCallContext context)
    {
        log.Record(context);
        await DelayAsync(request, context);
        if (request.ThrowUnexpected)
        {
            throw new InvalidOperationException("secret internal detail");
        }

        Fail(request);
    }

    private async Task DelayAsync(EchoRequest request, ServerCallContext context)
    {
        if (request.DelayMs <= 0)
        {
            return;
        }

        try
        {
            await Task.Delay(request.DelayMs, request.IgnoreCancellation ? CancellationToken.None : context.CancellationToken);
        }
        finally
        {
            log.RecordCancellation(context.CancellationToken.IsCancellationRequested);
        }
    }

    private static void Fail(EchoRequest request)
    {
        if (request.FailCode != 0)
        {
            throw new RpcException(new Status((StatusCode)request.FailCode, request.FailMessage));
        }
    }

    private static EchoReply Reply(EchoRequest request, ServerCallContext context, int index)
    {
        var reply = new EchoReply
        {
            Message = request.Message,
            Payload = request.Payload,
            Index = index,
            DeadlineUnixMs = context.Deadline == DateTime.MaxValue ? 0 : new DateTimeOffset(context.Deadline).ToUnixTimeMilliseconds(),
            TraceId = Activity.Current?.TraceId.ToHexString() ?? string.Empty,
            ParentSpanId = Activity.Current?.ParentSpanId.ToHexString() ?? string.Empty,
            Peer = context.Peer,
        };
        foreach (var entry in context.RequestHeaders)
        {
            if (entry.IsBinary)
            {
                reply.BinaryHeader = ByteString.CopyFrom(entry.ValueBytes);
            }
            else
            {
                reply.RequestHeaders[entry.Key] = entry.Value;
            }
        }

        return reply;
    }
}
