using Diffusion.AppHost.Tests.Fuzz;
using Diffusion.ServiceDefaults.Security;
using Grpc.Core;
using Grpc.Net.Client;

namespace Diffusion.AppHost.Tests.Security;

/// <summary>
/// The whole system with its identity provider: every unary method every service serves (found through server
/// reflection, which needs no token, and the contract's descriptors), called with no token and with a token of each
/// role from the identity provider, answers exactly as <see cref="AccessPolicy"/> says.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class AccessPolicyMatrixTests(AppFixture fixture)
{
    private const string NoToken = "none";
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);
    private static readonly string[] Resources = ["classification", "quota", "modelweights", "endusers", "decisions"];

    [Fact]
    public async Task EveryMethod_NoTokenUnauthenticated_EachRoleAllowedOrPermissionDeniedPerThePolicyTable()
    {
        using var timeout = new CancellationTokenSource(AppFixture.Timeout * 2);
        await AppFixture.WaitAllHealthyAsync(fixture.App, timeout.Token);
        var anonymous = Resources.ToDictionary(r => r, r => fixture.Channel(r, NoToken));
        var methods = await UnaryMethods.DiscoverAsync(anonymous, timeout.Token);
        Assert.Equal(Resources.Order(), methods.Select(m => m.Resource).Distinct().Order());
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
        var method = new Method<byte[], byte[]>(MethodType.Unary, target.Descriptor.Service.FullName, target.Descriptor.Name, Bytes, Bytes);
        try
        {
            await channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: cancellationToken), []);
            return Status.DefaultSuccess;
        }
        catch (RpcException e)
        {
            return e.Status;
        }
    }
}
