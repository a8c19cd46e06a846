using Diffusion.LoadTest.Faults;
using Diffusion.Testing.Redis;

namespace Diffusion.LoadTest.Tests;

/// <summary>The fault injector finds its victims among a root's descendants, by what they run.</summary>
public sealed class ProcessTreeTests
{
    [Fact]
    public async Task Below_RedisServerStartedByThisProcess_IsFoundAsRedisServer()
    {
        // redis-server rewrites its process title into one string ("/usr/bin/redis-server 127.0.0.1:<port>"), so its
        // command line has no NUL between program and arguments; the kill-redis fault found nothing before this was handled.
        await using var server = await RedisServer.StartAsync();

        var below = ProcessTree.Below(Environment.ProcessId);

        Assert.Contains(below, p => p.Executable == "redis-server");
        Assert.DoesNotContain(below, p => p.Pid == Environment.ProcessId);
    }
}
