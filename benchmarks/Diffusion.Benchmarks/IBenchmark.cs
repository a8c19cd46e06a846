namespace Diffusion.Benchmarks;

/// <summary>
/// One benchmark harness, found by reflection and run by name:
/// <c>dotnet run -c Release --project benchmarks/Diffusion.Benchmarks -- &lt;name&gt; [args]</c>.
/// Each harness measures its baseline in the same run and prints ratios against it.
/// </summary>
internal interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}
