using Diffusion.Grpc.Server;
using Microsoft.AspNetCore.Http;

namespace Grpc.Core;

/// <summary>Access to the ASP.NET Core request behind a call, as grpc-dotnet's <c>GetHttpContext()</c>.</summary>
public static class ServerCallContextExtensions
{
    /// <summary>The <see cref="HttpContext"/> of the call.</summary>
    public static HttpContext GetHttpContext(this ServerCallContext serverCallContext)
    {
        ArgumentNullException.ThrowIfNull(serverCallContext);
        return serverCallContext is HttpContextServerCallContext call
            ? call.HttpContext
            : throw new InvalidOperationException("This call context is not backed by an HttpContext.");
    }
}
