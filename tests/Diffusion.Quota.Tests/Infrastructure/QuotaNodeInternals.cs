using Diffusion.Quota.Reservations;
using Diffusion.Quota.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Quota.Tests.Infrastructure;

/// <summary>What the Quota tests reach inside a node: its engine, recovery coordinator and expiry sweeper (internal to Quota).</summary>
internal static class QuotaNodeInternals
{
    extension(QuotaNode node)
    {
        public QuotaEngine Engine => node.Services.GetRequiredService<QuotaEngine>();

        public RecoveryCoordinator Recovery => node.Services.GetRequiredService<RecoveryCoordinator>();

        public ExpirySweeper Sweeper => node.Services.GetRequiredService<ExpirySweeper>();
    }
}
