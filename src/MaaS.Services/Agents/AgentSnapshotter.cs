using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Agents;

/// <summary>
/// Snapshots the loaded agents and applies the decision-log retention, off the request path. A loaded agent is
/// snapshotted once this process has learnt <see cref="AgentOptions.SnapshotEveryRewards"/> rewards since its last one,
/// or <see cref="AgentOptions.SnapshotSeconds"/> after it with any reward learnt, and at shutdown. Every
/// <see cref="AgentRetentionOptions.Interval"/>, each loaded agent's decisions older than its tenant's maximum age are
/// deleted in batches when a snapshot covers them or they were never activated; the covering snapshot is the one that was
/// newest at the previous pass, so a load that read an older one (a pass ago) still finds what it must replay.
/// </summary>
internal sealed class AgentSnapshotter(
    AgentService agents, AgentSnapshots snapshots, IStorage storage, IOptions<AgentOptions> options, TimeProvider time, ILogger<AgentSnapshotter> logger)
    : BackgroundService
{
    private readonly Dictionary<AgentRuntime, Watermark> _seen = new(ReferenceEqualityComparer.Instance);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        AgentOptions settings = options.Value;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Min(1, settings.SnapshotSeconds)), time);
        long nextRetention = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SnapshotDueAsync(force: false, stoppingToken).ConfigureAwait(false);
                if (time.GetTimestamp() >= nextRetention)
                {
                    nextRetention = time.GetTimestamp() + (long)(settings.Retention.Interval.TotalSeconds * time.TimestampFrequency);
                    await PruneAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: StopAsync takes the last snapshots.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SnapshotDueAsync(force: true, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout: the next load replays what no snapshot holds.
        }
    }

    /// <summary>Snapshots each loaded agent that is due (with <paramref name="force"/>: each that learnt anything since its last).</summary>
    public async Task SnapshotDueAsync(bool force, CancellationToken cancellationToken)
    {
        AgentOptions settings = options.Value;
        IReadOnlyList<AgentRuntime> loaded = agents.Loaded;
        long now = time.GetTimestamp();
        lock (_seen)
        {
            // Forget the runtimes that were replaced or dropped.
            foreach (AgentRuntime gone in _seen.Keys.Except(loaded).ToList())
            {
                _seen.Remove(gone);
            }
        }
        foreach (AgentRuntime runtime in loaded)
        {
            Watermark mark;
            lock (_seen)
            {
                // A runtime seen the first time counts what its load replayed too: that may be unstamped.
                mark = _seen.TryGetValue(runtime, out Watermark? known) ? known : _seen[runtime] = new Watermark(0, now);
            }
            long learnt = runtime.PolicyVersion - mark.Updates;
            bool due = learnt >= settings.SnapshotEveryRewards
                || (learnt > 0 && (force || time.GetElapsedTime(mark.At, now).TotalSeconds >= settings.SnapshotSeconds));
            if (!due)
            {
                continue;
            }
            long updates = runtime.PolicyVersion;
            Result<(int Learnt, bool More)> taken;
            do
            {
                taken = await snapshots.TakeAsync(runtime, cancellationToken).ConfigureAwait(false);
            }
            while (taken.IsSuccess && taken.Value.More);
            if (!taken.IsSuccess)
            {
                // A conflict is another replica's snapshot or a redefinition: the next round starts from what is stored.
                AgentLog.SnapshotFailed(logger, runtime.Tenant, runtime.Name, taken.Error.Message);
            }
            lock (_seen)
            {
                _seen[runtime] = (_seen.GetValueOrDefault(runtime) ?? mark) with { Updates = updates, At = time.GetTimestamp() };
            }
        }
    }

    /// <summary>One retention pass over the loaded agents.</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        AgentRetentionOptions retention = options.Value.Retention;
        foreach (AgentRuntime runtime in agents.Loaded)
        {
            Watermark? mark;
            lock (_seen)
            {
                _seen.TryGetValue(runtime, out mark);
            }
            long covered = mark?.CoveredBy ?? 0;
            long newest = await snapshots.NewestIdAsync(runtime, cancellationToken).ConfigureAwait(false);
            lock (_seen)
            {
                if (_seen.TryGetValue(runtime, out Watermark? current))
                {
                    _seen[runtime] = current with { CoveredBy = newest };
                }
                else
                {
                    _seen[runtime] = new Watermark(0, time.GetTimestamp(), newest);
                }
            }
            if (retention.MaxAgeOf(runtime.Tenant) is not { } age)
            {
                continue;
            }
            DateTimeOffset before = time.GetUtcNow() - age;
            var (deleted, failure) = await BatchedDelete.RunAsync(
                batch => storage.Agents.PruneAsync(runtime.Tenant, runtime.Name, before, covered, batch, cancellationToken), retention.BatchSize).ConfigureAwait(false);
            if (failure is not null)
            {
                AgentLog.PruneFailed(logger, runtime.Tenant, runtime.Name, failure.Message);
            }
            if (deleted > 0)
            {
                AgentLog.Pruned(logger, runtime.Tenant, runtime.Name, deleted);
            }
        }
    }

    /// <summary>Where a runtime stood at its last snapshot (its policy's updates, when), and the snapshot retention may rely on.</summary>
    private sealed record Watermark(long Updates, long At, long CoveredBy = 0);
}
