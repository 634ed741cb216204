using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Recommendations.Events;

/// <summary>
/// Key rotation in the background: after <c>Privacy:EncryptionKeyId</c> names a new key, seals every event still
/// under an older key again under it, <see cref="ResealOptions.BatchSize"/> events per transaction, until none is left;
/// the store then forgets the older keys' check values, so they can be removed from <c>Privacy:EncryptionKeys</c>.
/// Progress is recorded in the database, so a restart resumes and replicas share the work. Runs once per start (the
/// keys only change with the configuration, at a restart); a failed batch is retried after <see cref="ResealOptions.RetryInterval"/>.
/// </summary>
internal sealed partial class EventResealing(IEventStore events, IOptions<ResealOptions> options, TimeProvider time, ILogger<EventResealing> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!await RunAsync(stoppingToken).ConfigureAwait(false))
            {
                await Task.Delay(options.Value.RetryInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Re-seals batch after batch until done; false when a batch failed (retried later).</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        int batch = Math.Clamp(options.Value.BatchSize, 1, StorageLimits.MaxReadLimit);
        long total = 0;
        while (true)
        {
            var step = await events.ResealAsync(batch, cancellationToken).ConfigureAwait(false);
            if (!step.TryGetValue(out var progress, out var error))
            {
                LogFailed(logger, total, error.Message);
                return false;
            }
            total += progress.Resealed;
            if (progress.Done)
            {
                if (total > 0 || progress.Retired.Count > 0)
                {
                    LogDone(logger, total, string.Join(", ", progress.Retired));
                }
                return true;
            }
            // Appends share SQLite's one writer with these batches: yield between them.
            await Task.Yield();
        }
    }

    [LoggerMessage(EventId = 3511, Level = LogLevel.Information, Message = "Re-sealed {Events} events under the current encryption key; retired key ids: {Retired}")]
    private static partial void LogDone(ILogger logger, long events, string retired);

    [LoggerMessage(EventId = 3512, Level = LogLevel.Warning, Message = "Re-sealing under the current encryption key failed after {Events} events: {Reason}; retried later")]
    private static partial void LogFailed(ILogger logger, long events, string reason);
}

/// <summary>Re-sealing after a key rotation (configuration section <c>Privacy:Reseal</c>).</summary>
public sealed class ResealOptions
{
    public const string SectionName = "Privacy:Reseal";

    /// <summary>Events sealed again per transaction (default 1,000; 1..10,000): each batch holds SQLite's one writer for one short commit.</summary>
    public int BatchSize { get; set; } = 1_000;

    /// <summary>Wait after a failed batch (default 1 minute).</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMinutes(1);
}
