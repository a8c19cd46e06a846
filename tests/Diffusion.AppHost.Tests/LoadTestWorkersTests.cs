namespace Diffusion.AppHost.Tests;

/// <summary>
/// <c>AppHost:LoadTest:Workers=N</c> adds N load-test workers as replicas of one project resource, which the crash
/// restarter leaves finished; without it the app model is unchanged. Only the model is checked here (the tool itself
/// is tested in Diffusion.LoadTest.Tests).
/// </summary>
public sealed class LoadTestWorkersTests
{
    [Fact]
    public async Task LoadTestWorkers_Setting_AddsReplicasThatRunToCompletion()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Diffusion_AppHost>(
            ["--AppHost:LoadTest:Workers=3", "--AppHost:LoadTest:RunId=t1", "--AppHost:LoadTest:Arguments=--reservations 1000 --rate 50", "--AppHost:Replicas:quota=3"]);

        var workers = Assert.IsType<ProjectResource>(builder.Resources.Single(r => r.Name == "loadtest"));
        Assert.Equal(3, workers.Annotations.OfType<ReplicaAnnotation>().Single().Replicas);
        Assert.True(workers.HasAnnotationOfType<RunToCompletionAnnotation>());
        Assert.Equal(3, builder.Resources.Single(r => r.Name == "quota").Annotations.OfType<ReplicaAnnotation>().Single().Replicas);

        // The arguments as the callback gives them; endpoints stay references (they get addresses only when the app runs).
        var raw = new List<object>();
        foreach (var callback in workers.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(new CommandLineArgsCallbackContext(raw));
        }

        var args = raw.Select(a => a as string ?? "").ToList();
        Assert.Equal("worker", args[0]);
        Assert.Equal("quota", Assert.IsType<EndpointReference>(raw[args.IndexOf("--quota") + 1]).Resource.Name);
        Assert.Equal("decisions", Assert.IsType<EndpointReference>(raw[args.IndexOf("--target") + 1]).Resource.Name);
        Assert.Equal(["--run-id", "t1"], args.SkipWhile(a => a != "--run-id").Take(2));
        Assert.Equal(["--reservations", "1000", "--rate", "50"], args.TakeLast(4));

        // The workers' client holds every role the tool calls with: officer (it caps the run's buckets with
        // SetAllocation), exporter (orders), service (reservations straight at Quota), auditor (the final check).
        var identity = Assert.IsType<ProjectResource>(builder.Resources.Single(r => r.Name == "identity"));
        var environment = new Dictionary<string, object>();
        foreach (var callback in identity.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), environment));
        }

        var roles = environment.Where(e => e.Key.StartsWith("Identity__Clients__loadtest__Roles__", StringComparison.Ordinal)).Select(e => e.Value as string).Order();
        Assert.Equal(["auditor", "exporter", "officer", "service"], roles);
    }

    [Fact]
    public async Task ByDefault_NoLoadTestResource()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Diffusion_AppHost>();

        Assert.DoesNotContain(builder.Resources, r => r.Name == "loadtest");
        Assert.Equal(2, builder.Resources.Single(r => r.Name == "quota").Annotations.OfType<ReplicaAnnotation>().Single().Replicas);
    }
}
