using System.Globalization;

namespace Aspire.Hosting;

/// <summary>
/// Marks a resource that runs once and ends (a load-test worker): <see cref="Diffusion.AppHost.Hosting.CrashedResourceRestarter"/>
/// leaves it finished.
/// </summary>
public sealed class RunToCompletionAnnotation : IResourceAnnotation;

/// <summary>Load-test workers as replicas of a project resource, only when asked (docs/load-tests.md).</summary>
public static class LoadTestBuilderExtensions
{
    /// <summary>
    /// With <c>AppHost:LoadTest:Workers=N</c> (N &gt; 0), adds the resource <c>loadtest</c>: N replicas of
    /// <c>diffusion-loadtest worker</c> aimed at Decisions and Quota, sharing one run id, each writing its results under
    /// <c>AppHost:LoadTest:Results</c> (default <c>&lt;repository&gt;/.diffusion/loadtest/&lt;run id&gt;</c>). More worker
    /// options go in <c>AppHost:LoadTest:Arguments</c>, e.g. <c>"--reservations 100000 --rate 200"</c>. The
    /// workers get tokens as client <c>loadtest</c>. Without the setting nothing is added and the system starts as it always does.
    /// </summary>
    internal static void AddLoadTestWorkers(this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> decisions, IResourceBuilder<ProjectResource> quota,
        IResourceBuilder<ProjectResource> identity, Diffusion.AppHost.Hosting.LocalSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Configuration.GetSection("AppHost:LoadTest");
        var workers = settings.GetValue<int>("Workers");
        if (workers <= 0)
        {
            return;
        }

        var runId = settings["RunId"] ?? DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        var results = Path.GetFullPath(settings["Results"] ?? Path.Combine("../../.diffusion/loadtest", runId), builder.AppHostDirectory);
        var extra = (settings["Arguments"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.AddProject<Projects.Diffusion_LoadTest>("loadtest")
            .WithArgs(context =>
            {
                context.Args.Add("worker");
                context.Args.Add("--target");
                context.Args.Add(decisions.GetEndpoint(GrpcServiceBuilderExtensions.GrpcEndpointName));
                context.Args.Add("--quota");
                context.Args.Add(quota.GetEndpoint(GrpcServiceBuilderExtensions.GrpcEndpointName));
                context.Args.Add("--run-id");
                context.Args.Add(runId);
                context.Args.Add("--out");
                context.Args.Add(results);
                foreach (var argument in extra)
                {
                    context.Args.Add(argument);
                }
            })
            // The run's buckets capped with SetAllocation (officer), orders through Decisions (exporter), reservations
            // straight at Quota (service), the final check (auditor): the roles src/Diffusion.LoadTest/Load/Tokens.cs lists.
            .WithServiceIdentity(identity, builder, secrets, "loadtest",
                Diffusion.ServiceDefaults.Security.Roles.Officer, Diffusion.ServiceDefaults.Security.Roles.Exporter,
                Diffusion.ServiceDefaults.Security.Roles.Service, Diffusion.ServiceDefaults.Security.Roles.Auditor)
            .WaitFor(decisions).WaitFor(quota)
            .WithReplicas(workers)
            .WithAnnotation(new RunToCompletionAnnotation());
    }
}
