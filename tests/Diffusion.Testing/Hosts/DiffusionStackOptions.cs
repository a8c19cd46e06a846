using Microsoft.AspNetCore.Builder;

namespace Diffusion.Testing.Hosts;

/// <summary>What a <see cref="DiffusionStack"/> started by <see cref="DiffusionStack.StartAsync"/> does differently.</summary>
public sealed record DiffusionStackOptions
{
    /// <summary>
    /// Its own redis-server and PostgreSQL with fsync on, as deployed (benchmarks), instead of the test process' shared
    /// servers, which run with fsync off.
    /// </summary>
    public bool DurableServers { get; init; }

    /// <summary>More configuration for Decisions (e.g. <c>Decisions:StreamWindow</c>).</summary>
    public IReadOnlyDictionary<string, string?> DecisionsSettings { get; init; } = new Dictionary<string, string?>();

    /// <summary>More endpoints on Classification and Decisions (e.g. a benchmark's empty unary call, its baseline).</summary>
    public Action<WebApplication>? MapAlso { get; init; }
}
