using Diffusion.Classification;
using Diffusion.EndUsers;
using Diffusion.ModelWeights;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diffusion.Decisions.Tests.Service;

/// <summary>
/// Every service registers its clock the same way: the system clock unless the host already has one, so a test's
/// manual clock holds whether it is registered before or after the service's wiring. (Classification, EndUsers and
/// ModelWeights replaced a clock registered before them.)
/// </summary>
public sealed class ClockWiringTests
{
    public static TheoryData<string> Services => ["classification", "quota", "modelweights", "endusers", "decisions"];

    [Theory]
    [MemberData(nameof(Services))]
    public void AddServices_AfterAClock_KeepIt(string service)
    {
        var clock = new ManualClock();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = "127.0.0.1:1",
            ["ConnectionStrings:ledger"] = "Host=127.0.0.1;Port=1",
        });
        builder.Services.AddSingleton<TimeProvider>(clock);

        Wire(builder, service);
        using var provider = builder.Services.BuildServiceProvider();

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void AddServices_WithoutAClock_TheSystemClockOnce(string service)
    {
        var builder = Host.CreateApplicationBuilder();

        Wire(builder, service);

        Assert.Same(TimeProvider.System, Assert.Single(builder.Services, d => d.ServiceType == typeof(TimeProvider)).ImplementationInstance);
    }

    private static void Wire(HostApplicationBuilder builder, string service)
    {
        _ = service switch
        {
            "classification" => builder.AddClassificationServices(),
            "quota" => builder.AddQuotaServices(),
            "modelweights" => builder.AddModelWeightsServices(),
            "endusers" => builder.AddEndUserServices(),
            "decisions" => builder.AddDecisionsServices(),
            _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
        };
    }

    private sealed class ManualClock : TimeProvider;
}
