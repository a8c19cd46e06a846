using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using Diffusion.Testing.Grpc;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Diffusion.Benchmarks.Transport;

/// <summary>
/// Unary calls/s of our gRPC transport against a plain Kestrel HTTP/2 endpoint doing the same work — answer a
/// 5-byte-prefixed message with the same bytes, content-type application/grpc and a grpc-status trailer — both on
/// one Kestrel h2c listener in this process, measured in the same run by two clients: h2load (C, independent of
/// our code) and C# (our GrpcChannel for gRPC, HttpClient for the plain endpoint). The difference is what the
/// runtime costs: routing to the method, framing, (de)serialization, service activation, deadline and status logic.
/// Arguments: <c>[serve] [seconds per measurement, default 6, taken as interleaved 2 s slices] [payload bytes, default 64]</c>; <c>serve</c> only
/// hosts both endpoints until interrupted, for trying other clients by hand.
/// </summary>
internal sealed class TransportBenchmark : IBenchmark
{
    private const string PlainPath = "/plain/echo";
    private const int H2LoadClients = 4;
    private const int H2LoadStreams = 32;
    private const int CSharpCallers = 64;
    private const int SliceSeconds = 2;

    public string Name => "transport";

    public string Description => "unary calls/s: our gRPC runtime vs plain Kestrel HTTP/2 echo (h2load and C# clients, same run)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var serveOnly = args.Length > 0 && args[0] == "serve";
        if (serveOnly)
        {
            args = args[1..];
        }

        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 6;
        var payloadSize = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
        await using var server = await GrpcTestServer.StartAsync(
            _ => { },
            app =>
            {
                app.MapGrpcService<EchoService>();
                EmptyUnaryBaseline.Map(app);
                app.MapPost(PlainPath, PlainEchoAsync);
            },
            cancellationToken);

        var message = new BytesValue { Value = ByteString.CopyFrom(Enumerable.Range(0, payloadSize).Select(i => (byte)i).ToArray()) };
        var framed = Frame(message.ToByteArray());
        var bodyFile = Path.GetTempFileName();
        await File.WriteAllBytesAsync(bodyFile, framed, cancellationToken);
        try
        {
            if (serveOnly)
            {
                // For trying h2load or other clients by hand: serve until interrupted; the framed echo body is in the file.
                Console.WriteLine($"serving on {server.Address}; echo body: {bodyFile}; paths: {EchoService.EchoMethod.FullName} {PlainPath}");
                await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
                return 0;
            }

            Console.WriteLine($"transport benchmark: {seconds} s per measurement, {payloadSize}-byte payload ({framed.Length} bytes framed), " +
                $"{Environment.ProcessorCount} cores shared by client and server");
            var grpcUrl = new Uri(server.Address, EchoService.EchoMethod.FullName);
            var plainUrl = new Uri(server.Address, PlainPath);
            var emptyUrl = new Uri(server.Address, EmptyUnaryService.PingMethod.FullName);
            var emptyFile = bodyFile + ".empty";
            await File.WriteAllBytesAsync(emptyFile, Frame([]), cancellationToken);

            // The machine is shared and its load swings: every measurement is taken in short interleaved slices
            // (plain, gRPC, empty, plain, gRPC, empty, ...) so a load change hits all three alike.
            var rounds = Math.Max(1, seconds / SliceSeconds);
            string command = string.Empty;
            var h2 = new double[3];
            for (var round = 0; round < rounds; round++)
            {
                var urls = new[] { (plainUrl, bodyFile), (grpcUrl, bodyFile), (emptyUrl, emptyFile) };
                for (var i = 0; i < urls.Length; i++)
                {
                    var (rate, line) = await H2Load.RunAsync(urls[i].Item1, urls[i].Item2, H2LoadClients, H2LoadStreams, SliceSeconds, cancellationToken);
                    h2[i] += rate / rounds;
                    command = i == 0 ? line : command;
                }
            }

            File.Delete(emptyFile);

            var invoker = server.Channel.CreateCallInvoker();
            using var http = new HttpMessageInvoker(new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false });
            var calls = new Func<Task>[]
            {
                () => PlainCallAsync(http, plainUrl, framed, cancellationToken),
                async () => await invoker.AsyncUnaryCall(EchoService.EchoMethod, null, default, message),
                () => EmptyUnaryBaseline.CallAsync(invoker),
            };
            foreach (var warmUp in calls)
            {
                await CallRate.MeasureAsync(warmUp, CSharpCallers, TimeSpan.FromSeconds(1), cancellationToken);
            }

            var totals = new (long Calls, TimeSpan Time)[calls.Length];
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < calls.Length; i++)
                {
                    var (count, time) = await CallRate.MeasureAsync(calls[i], CSharpCallers, TimeSpan.FromSeconds(SliceSeconds), cancellationToken);
                    totals[i] = (totals[i].Calls + count, totals[i].Time + time);
                }
            }

            var cs = totals.Select(t => t.Calls / t.Time.TotalSeconds).ToArray();
            var (h2Plain, h2Grpc, h2Empty) = (h2[0], h2[1], h2[2]);
            var (csPlain, csGrpc, csEmpty) = (cs[0], cs[1], cs[2]);

            Console.WriteLine();
            Console.WriteLine("| client | plain Kestrel HTTP/2 echo | our gRPC unary echo | gRPC / plain | our gRPC empty unary |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            Console.WriteLine(Row($"h2load ({H2LoadClients} connections x {H2LoadStreams} streams)", h2Plain, h2Grpc, h2Empty));
            Console.WriteLine(Row($"C# ({CSharpCallers} callers; GrpcChannel / HttpClient)", csPlain, csGrpc, csEmpty));
            Console.WriteLine();
            Console.WriteLine("h2load command, one slice (plain endpoint; the gRPC slices use the method path): " + command);
            return 0;
        }
        finally
        {
            File.Delete(bodyFile);
        }
    }

    private static string Row(string client, double plain, double grpc, double empty) =>
        string.Create(CultureInfo.InvariantCulture, $"| {client} | {plain:N0} | {grpc:N0} | {grpc / plain:P0} | {empty:N0} |");

    /// <summary>The plain endpoint: read the whole body, write it back, end with grpc-status 0 — the bytes a gRPC echo sends.</summary>
    private static async Task PlainEchoAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        ReadResult result;
        while (!(result = await reader.ReadAsync(context.RequestAborted)).IsCompleted)
        {
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }

        context.Response.ContentType = "application/grpc";
        context.Response.AppendTrailer("grpc-status", "0");
        // Written without a flush, like a unary gRPC response: headers, data and trailers leave together at the end.
        foreach (var segment in result.Buffer)
        {
            context.Response.BodyWriter.Write(segment.Span);
        }

        reader.AdvanceTo(result.Buffer.End);
    }

    private static async Task PlainCallAsync(HttpMessageInvoker http, Uri url, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await http.SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK || bytes.Length != body.Length || !response.TrailingHeaders.Contains("grpc-status"))
        {
            throw new InvalidOperationException("The plain echo answered wrongly.");
        }
    }

    private static byte[] Frame(byte[] payload)
    {
        var framed = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(framed, 5);
        return framed;
    }
}
