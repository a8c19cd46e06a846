using System.CommandLine;

namespace Diffusion.LoadTest.Commands;

/// <summary>The command tree of <c>diffusion-loadtest</c> (docs/load-tests.md).</summary>
internal static class LoadTestApp
{
    public static RootCommand Build() => new("Load tests of Diffusion: workers, fault injection, and a checker of the quota invariants")
    {
        RunCommand.Create(),
        WorkerCommand.Create(),
        MergeCommand.Create(),
        CheckCommand.Create(),
        FaultsCommand.Create(),
        OrderBookCommand.Create(),
    };
}
