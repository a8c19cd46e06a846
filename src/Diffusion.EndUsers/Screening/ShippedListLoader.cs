using Diffusion.Rules;
using Diffusion.EndUsers.Screening.Matching;
using Microsoft.Extensions.Options;

namespace Diffusion.EndUsers.Screening;

/// <summary>
/// When no restricted-party list is loaded yet, loads the small one shipped in the rules directory
/// (<c>rules/restricted-parties.json</c>, CSL JSON built from public Federal Register entries), so the system screens
/// out of the box; the real list is one <c>LoadList</c> away. Runs after the schema migration.
/// </summary>
internal sealed class ShippedListLoader(ScreeningStore store, ScreeningCoordinator coordinator, IOptions<RuleOptions> rules, IOptions<EndUsersOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await store.NewestListIdAsync(cancellationToken) is not null || options.Value.ScreeningListFile.Length == 0)
        {
            return;
        }

        var path = Path.Combine(RulesDirectory.Locate(rules.Value.Directory), options.Value.ScreeningListFile);
        var content = await File.ReadAllBytesAsync(path, cancellationToken);
        await coordinator.LoadAsync(CslFormat.ParseJson(content, null), content, "rules/" + options.Value.ScreeningListFile, "shipped", cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
