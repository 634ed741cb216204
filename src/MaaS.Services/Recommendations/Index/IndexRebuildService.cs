using System.Threading.Channels;
using MaaS.Core;
using MaaS.Services.Recommendations.Tenants;
using MaaS.Storage.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MaaS.Services.Recommendations.Index;

/// <summary>
/// Keeps the indexes fresh: at start loads the built versions from the data folder and builds the default tenant's
/// first index when there is none (fresh clone: after the demo seed); then rebuilds, on the configured schedule, every
/// tenant that got events since its last build, and at once any tenant queued by <see cref="Request"/> (e.g. after a
/// user was erased). A failed build keeps the serving version.
/// </summary>
/// <remarks>
/// The builder and tenant states are resolved at start, not in the constructor: the host constructs every hosted
/// service before starting any, and the stores exist only once the storage host has started.
/// </remarks>
internal sealed partial class IndexRebuildService(
    IServiceProvider services,
    RecommendationModels models,
    IOptions<RecommendationOptions> options,
    ILogger<IndexRebuildService> logger) : IHostedService
{
    private readonly Channel<string> _requests = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _scheduled;
    private Task? _onDemand;

    /// <summary>Queues a background rebuild of the tenant (coalesced with a running one by the builder's gate).</summary>
    public void Request(string tenant) => _requests.Writer.TryWrite(tenant);

    private IndexBuilder? _builder;
    private TenantStates? _tenants;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _builder = services.GetRequiredService<IndexBuilder>();
        _tenants = services.GetRequiredService<TenantStates>();
        await models.Registry.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var state = await _tenants.GetAsync(StorageLimits.DefaultTenant, cancellationToken).ConfigureAwait(false);
        if (options.Value.BuildOnStart && !models.Acquire(state.Tenant).IsSuccess)
        {
            await BuildAsync(state.Tenant, cancellationToken).ConfigureAwait(false);
        }

        _onDemand = DrainRequestsAsync(_stopping.Token);
        if (options.Value.RebuildIntervalSeconds > 0)
        {
            _scheduled = ScheduleAsync(TimeSpan.FromSeconds(options.Value.RebuildIntervalSeconds), _stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var task in new[] { _scheduled, _onDemand })
        {
            if (task is not null)
            {
                await task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ScheduleAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var state in _tenants!.All)
                {
                    if (state.IsDirty)
                    {
                        await BuildAsync(state.Tenant, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task DrainRequestsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (string tenant in _requests.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await BuildAsync(tenant, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task BuildAsync(string tenant, CancellationToken cancellationToken)
    {
        try
        {
            var built = await _builder!.BuildAsync(tenant, cancellationToken).ConfigureAwait(false);
            if (built.Error?.Code == ErrorCode.Conflict)
            {
                LogNothingToBuild(logger, tenant);
            }
            else if (!built.IsSuccess)
            {
                LogBuildFailed(logger, tenant, built.Error.Message, null);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogBuildFailed(logger, tenant, e.Message, e);
        }
    }

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Tenant {Tenant} has no events or items yet; its index is built once it has")]
    private static partial void LogNothingToBuild(ILogger logger, string tenant);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Error, Message = "Index rebuild of tenant {Tenant} failed ({Reason}); the serving version is kept")]
    private static partial void LogBuildFailed(ILogger logger, string tenant, string? reason, Exception? exception);
}
