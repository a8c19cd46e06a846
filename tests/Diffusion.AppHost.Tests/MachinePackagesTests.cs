using Diffusion.AppHost.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Diffusion.AppHost.Tests;

/// <summary>A binary Redis or PostgreSQL needs is missing.</summary>
public sealed class MachinePackagesTests
{
    [Fact]
    public async Task Ensure_MissingAndNotRoot_StopsWithTheCommandToRun()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-dir-{Guid.NewGuid():N}", "redis-server");

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() =>
            MachinePackages.EnsureAsync(missing, "redis-server", isRoot: false, NullLogger.Instance, CancellationToken.None));

        Assert.Equal($"{missing} is missing. Install it with:  sudo apt-get install -y redis-server", error.Message);
    }

    [Fact]
    public async Task Ensure_Present_DoesNothing()
    {
        var present = Path.GetTempFileName();
        try
        {
            await MachinePackages.EnsureAsync(present, "no-such-package", isRoot: false, NullLogger.Instance, CancellationToken.None);
        }
        finally
        {
            File.Delete(present);
        }
    }
}
