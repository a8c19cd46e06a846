using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;

namespace Diffusion.ServiceDefaults.Telemetry;

/// <summary>
/// Gives ASP.NET Core's server activity the OpenTelemetry HTTP semantic conventions (no instrumentation
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

        // gRPC calls get their own server span (named after the method, with rpc.* attributes) from the
        // "Diffusion.Grpc" source, as a child of this HTTP one.
        activity.DisplayName = $"{request.Method} {request.Path.Value}";
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        activity.SetTag("network.protocol.version", request.Protocol.Replace("HTTP/", "", StringComparison.Ordinal));

        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var status = context.Response.StatusCode;
            activity.SetTag("http.response.status_code", status);
            if (status >= 500)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
    }
}
