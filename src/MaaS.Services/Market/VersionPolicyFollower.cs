using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Market;

/// <summary>
/// Keeps this replica's version policies those of the store: reads them once before the host starts serving (a pin
/// survives a restart), then again whenever the store signals a change (PostgreSQL LISTEN/NOTIFY from any replica, or
/// this process's own writes) or <see cref="PollInterval"/> passes, so a lost notification delays a change by one poll.
/// </summary>
internal sealed class VersionPolicyFollower(ModelVersionPolicies policies, IModelMarketStore store) : BackgroundService
{
    /// <summary>The longest a change from another replica waits when its notification is lost.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await policies.FollowAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await store.WaitForVersionPolicyChangeAsync(PollInterval, stoppingToken).ConfigureAwait(false);
                await policies.FollowAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
