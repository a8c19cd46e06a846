using System.Diagnostics;
using Diffusion.AppHost.Orchestration;

namespace Diffusion.AppHost.Tests;

/// <summary>Processes left by an AppHost that was killed (SIGKILL) are stopped by the next one.</summary>
public sealed class PidFileTests
{
    [Fact]
    public async Task KillLeftovers_StopsTheRecordedGroup_AndIgnoresAReusedPid()
    {
        var directory = Directory.CreateTempSubdirectory("diffusion-pids-").FullName;
        using var leftover = Process.Start(new ProcessStartInfo("/usr/bin/setsid", ["/bin/sh", "-c", "sleep 600 & wait"]) { UseShellExecute = false })!;
        try
        {
            await Task.Delay(200);
            var members = ProcessGroups.Members(leftover.Id);
            Assert.Equal(2, members.Count);   // the shell and its sleep
            var pidFiles = new PidFiles(directory);
            pidFiles.Write("svc-0", leftover.Id);
            // A pid file whose process is gone and whose pid may since belong to someone else: left alone.
            await File.WriteAllTextAsync(Path.Combine(directory, "old-0.pid"), $"{Environment.ProcessId} 1\n");
            var messages = new List<string>();

            await pidFiles.KillLeftoversAsync(messages.Add);

            Assert.DoesNotContain(members, ProcessGroups.IsAlive);
            Assert.True(ProcessGroups.IsAlive(Environment.ProcessId));
            Assert.Single(messages);
            Assert.Contains("svc-0", messages[0], StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFiles(directory));
        }
        finally
        {
            if (!leftover.HasExited)
            {
                leftover.Kill(entireProcessTree: true);
            }
            Directory.Delete(directory, recursive: true);
        }
    }
}
