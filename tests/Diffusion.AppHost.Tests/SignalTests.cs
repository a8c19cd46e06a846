using System.Diagnostics;
using System.Globalization;
using Diffusion.AppHost.Hosting;
using Diffusion.AppHost.Orchestration;

namespace Diffusion.AppHost.Tests;

/// <summary>The real entry point (<c>builder.Build().RunAsync()</c>) in its own process, stopped by a signal.</summary>
[Collection(SystemCollection.Name)]
public sealed class SignalTests
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]   // what a terminal's Ctrl+C sends
    public async Task Signal_ToTheAppHost_StopsEveryResourceAndLeavesNoProcess(string signal)
    {
        var dataDirectory = SystemFixture.NewDataDirectory();
        var appHost = Path.Combine(AppHostOptions.FindRepositoryRoot(), "tests", "Diffusion.AppHost.TestAppHost", "bin", "Debug", "net10.0", "Diffusion.AppHost.TestAppHost.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        // env --default-signal: a SIGINT ignored by whoever started the test run must not be ignored by the AppHost.
        var info = new ProcessStartInfo("/usr/bin/env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--default-signal=INT,TERM", dotnet, appHost, "--data-dir", dataDirectory, "--dashboard-url", "http://127.0.0.1:0" })
        {
            info.ArgumentList.Add(argument);
        }
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var run = Path.Combine(dataDirectory, "run");
            await SystemFixture.EventuallyAsync(() => Task.FromResult(
                output.Any(l => l.Contains("Running. Ctrl+C", StringComparison.Ordinal)) ? "running" : null),
                TimeSpan.FromSeconds(90), "the AppHost reporting every resource up");
            var groups = Directory.EnumerateFiles(run, "*.pid")
                .Select(f => int.Parse(File.ReadAllText(f).Split(' ')[0], CultureInfo.InvariantCulture))
                .ToList();
            Assert.Equal(3, groups.Count);   // redis, shell, svc-0
            var processes = groups.SelectMany(ProcessGroups.Members).ToList();
            Assert.True(processes.Count >= 5, "the shell's two sleeps are in its group");

            using (var kill = Process.Start("kill", ["-s", signal, process.Id.ToString(CultureInfo.InvariantCulture)])!)
            {
                await kill.WaitForExitAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);

            Assert.Equal(0, process.ExitCode);
            Assert.Contains(output, l => l.Contains("Stopped; no process left.", StringComparison.Ordinal));
            Assert.DoesNotContain(processes, SystemFixture.IsAlive);
            Assert.Empty(Directory.EnumerateFiles(run, "*.pid"));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            SystemFixture.DeleteDataDirectory(dataDirectory);
        }
    }
}
