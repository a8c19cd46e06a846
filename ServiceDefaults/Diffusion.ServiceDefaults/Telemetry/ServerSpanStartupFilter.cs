using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;

namespace Diffusion.ServiceDefaults.Telemetry;

/// <summary>
/// Gives ASP.NET Core's server activity the OpenTelemetry HTTP and gRPC semantic conventions (no instrumentation
/// package is served here, so the raw "Microsoft.AspNetCore" activity carries few tags), and keeps health probes
/// out of the traces: the AppHost polls them every second.
/// </summary>
internal sealed class ServerSpanStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(EnrichAsync);
        next(app);
    };

    private static async Task EnrichAsync(HttpContext context, RequestDelegate next)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        if (activity is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var request = context.Request;
        if (request.Path.StartsWithSegments(ServiceDefaultsExtensions.HealthEndpointPath, StringComparison.Ordinal)
            || request.Path.StartsWithSegments(ServiceDefaultsExtensions.AliveEndpointPath, StringComparison.Ordinal)
            || request.Path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.Ordinal))
        {
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            activity.IsAllDataRequested = false;
            await next(context).ConfigureAwait(false);
            return;
        }

        var isGrpc = request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        activity.SetTag("network.protocol.version", request.Protocol.Replace("HTTP/", "", StringComparison.Ordinal));
        if (isGrpc && request.Path.Value is { } path && path.LastIndexOf('/') is var slash and > 0)
        {
            // "/diffusion.quota.v1.QuotaService/Reserve" -> service + method, as grpc-dotnet names its spans.
            activity.DisplayName = path.TrimStart('/');
            activity.SetTag("rpc.system", "grpc");
            activity.SetTag("rpc.service", path[1..slash]);
            activity.SetTag("rpc.method", path[(slash + 1)..]);
        }
        else
        {
            activity.DisplayName = $"{request.Method} {request.Path.Value}";
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var status = context.Response.StatusCode;
            activity.SetTag("http.response.status_code", status);
            if (isGrpc)
            {
                var grpcStatus = GrpcStatus(context);
                if (grpcStatus is not null)
                {
                    activity.SetTag("rpc.grpc.status_code", grpcStatus.Value);
                    // Server errors only: INVALID_ARGUMENT and friends are the caller's fault (semantic conventions).
                    if (grpcStatus.Value is 2 or 4 or 12 or 13 or 14 or 15)
                    {
                        activity.SetStatus(ActivityStatusCode.Error);
                    }
                }
            }
            else if (status >= 500)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
    }

    private static int? GrpcStatus(HttpContext context)
    {
        var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        var text = trailers is not null && trailers.TryGetValue("grpc-status", out var fromTrailers)
            ? fromTrailers.ToString()
            : context.Response.Headers["grpc-status"].ToString();   // trailers-only response
        return int.TryParse(text, out var value) ? value : null;
    }
}
