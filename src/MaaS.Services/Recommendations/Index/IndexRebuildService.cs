using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Recommendations.Index;

/// <summary>
/// Keeps the indexes fresh: at start loads the built versions from the data folder and builds the default tenant's
/// first index when there is none (fresh clone: after the demo seed), waiting for it; then, on the configured
/// schedule, queues a durable rebuild (<see cref="RebuildQueue"/>) of every tenant that got events since its last
/// build. Every build runs through <see cref="RebuildJobs"/> (coalesced per tenant, admitted, under a deadline); a
/// failed build keeps the serving version. Stopping cancels the running builds.
/// </summary>
internal sealed partial class IndexRebuildService(
    RebuildJobs jobs,
    RebuildQueue queue,
    TenantStates tenants,
    RecommendationModels models,
    IOptions<RecommendationOptions> options,
    ILogger<IndexRebuildService> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _scheduled;
    private readonly RebuildJobs _jobs = jobs;
    private readonly TenantStates _tenants = tenants;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await models.Registry.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var state = await _tenants.GetAsync(StorageLimits.DefaultTenant, cancellationToken).ConfigureAwait(false);
        if (options.Value.BuildOnStart && !models.Acquire(state.Tenant).IsSuccess
            && _jobs.Enqueue(state.Tenant, RebuildTrigger.Start) is { IsSuccess: true } queued)
        {
            var job = await queued.Value.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
            LogFirstBuild(logger, state.Tenant, job.Status, job.Error ?? "no error");
        }

        if (options.Value.RebuildIntervalSeconds > 0)
        {
            _scheduled = ScheduleAsync(TimeSpan.FromSeconds(options.Value.RebuildIntervalSeconds), _stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_scheduled is not null)
        {
            await _scheduled.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_jobs is not null)
        {
            await _jobs.StopAsync().WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ScheduleAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var state in _tenants.All)
                {
                    if (state.IsDirty)
                    {
                        // Joins the tenant's queued rebuild when there is one.
                        await queue.SubmitAsync(state.Tenant, RebuildTrigger.Schedule, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 3303, Level = LogLevel.Information, Message = "First index build of tenant {Tenant}: {Status} ({Reason})")]
    private static partial void LogFirstBuild(ILogger logger, string tenant, JobState status, string reason);
}
