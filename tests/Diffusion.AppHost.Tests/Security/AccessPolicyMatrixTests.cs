using Diffusion.AppHost.Tests.Fuzz;
using Diffusion.ServiceDefaults.Security;
using Grpc.Core;
using Grpc.Net.Client;

namespace Diffusion.AppHost.Tests.Security;

/// <summary>
/// The whole system with its identity provider: every method every service serves, unary and streaming (found
/// through server reflection, which needs no token, and the contract's descriptors), called with no token and with a
/// token of each role from the identity provider, answers exactly as <see cref="AccessPolicy"/> says.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class AccessPolicyMatrixTests(AppFixture fixture)
{
    private const string NoToken = "none";
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);
    private static readonly string[] Resources = ["classification", "quota", "modelweights", "endusers", "decisions"];

    [Fact]
    public Task EveryMethod_NoTokenUnauthenticated_EachRoleAllowedOrPermissionDeniedPerThePolicyTable() => CheckAsync(streaming: false);

    [Fact]
    public Task EveryStreamingMethod_NoTokenUnauthenticated_EachRoleAllowedOrPermissionDeniedPerThePolicyTable() => CheckAsync(streaming: true);

    private async Task CheckAsync(bool streaming)
    {
        using var timeout = new CancellationTokenSource(AppFixture.Timeout * 2);
        await AppFixture.WaitAllHealthyAsync(fixture.App, timeout.Token);
        var anonymous = Resources.ToDictionary(r => r, r => fixture.Channel(r, NoToken));
        var methods = await UnaryMethods.DiscoverAsync(anonymous, timeout.Token, streaming);
        if (streaming)
        {
            Assert.Contains(methods, m => m.FullName == "diffusion.decisions.v1.DecisionService/DecideStream");
        }
        else
        {
            Assert.Equal(Resources.Order(), methods.Select(m => m.Resource).Distinct().Order());
        }

        Assert.All(methods, m => Assert.True(AccessPolicy.Methods.ContainsKey(m.FullName), $"{m.FullName} is served but has no access policy entry"));

        var wrong = new List<string>();
        foreach (var role in Roles.All.Append(NoToken))
        {
            var channels = role == NoToken ? anonymous : Resources.ToDictionary(r => r, r => fixture.Channel(r, role));
            foreach (var method in methods)
            {
                // An empty message: a valid request of every type, refused or answered without changing anything.
                var status = await CallAsync(channels[method.Resource], method, timeout.Token);
                var allowed = AccessPolicy.RolesFor(method.FullName);
                var problem = role == NoToken
                    ? status.StatusCode == StatusCode.Unauthenticated ? null : "expected UNAUTHENTICATED"
                    : allowed.Contains(role)
                        ? status.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied ? "expected to be allowed" : null
                        : status.StatusCode == StatusCode.PermissionDenied && status.Detail == $"{method.FullName} requires role {string.Join(" or ", allowed)}"
                            ? null
                            : "expected PERMISSION_DENIED naming the roles";
                if (problem is not null)
                {
                    wrong.Add($"{role} -> {method.FullName}: {problem}, got {status.StatusCode} '{status.Detail}'");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static async Task<Status> CallAsync(GrpcChannel channel, UnaryMethod target, CancellationToken cancellationToken)
    {
        var descriptor = target.Descriptor;
        var type = (descriptor.IsClientStreaming, descriptor.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            _ => MethodType.DuplexStreaming,
        };
        var method = new Method<byte[], byte[]>(type, descriptor.Service.FullName, descriptor.Name, Bytes, Bytes);
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: cancellationToken);
        var invoker = channel.CreateCallInvoker();
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(method, null, options, []);
                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(method, null, options, []))
                    {
                        await DrainAsync(call.ResponseStream, cancellationToken);
                    }

                    break;
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(method, null, options))
                    {
                        await SendOneAsync(call.RequestStream);
                        await call.ResponseAsync;
                    }

                    break;
                default:
                    // One empty message (an order that names nothing: answered with its own error in the stream,
                    // nothing decided), then the end of the requests, and every answer read.
                    using (var call = invoker.AsyncDuplexStreamingCall(method, null, options))
                    {
                        await SendOneAsync(call.RequestStream);
                        await DrainAsync(call.ResponseStream, cancellationToken);
                    }

                    break;
            }

            return Status.DefaultSuccess;
        }
        catch (RpcException e)
        {
            return e.Status;
        }
    }

    private static async Task SendOneAsync(IClientStreamWriter<byte[]> requests)
    {
        try
        {
            await requests.WriteAsync([]);
            await requests.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // Refused before the message went out (the call is over): the status comes with the response.
        }
    }

    private static async Task DrainAsync(IAsyncStreamReader<byte[]> answers, CancellationToken cancellationToken)
    {
        while (await answers.MoveNext(cancellationToken))
        {
        }
    }
}
