namespace MaaS.Services.Batches;

/// <summary>
/// Deletes the files whose expiry passed (an upload's <c>expires_after</c>, a batch's <c>output_expires_after</c>), of
/// every tenant, soonest first in batches of <see cref="BatchSize"/>. Reads treat an expired file as gone already; the
/// sweep frees its bytes. Hosted as a <see cref="RetentionSchedule"/> every <see cref="BatchOptions.ExpirySweepSeconds"/>
/// (<see cref="BatchServiceCollectionExtensions.AddBatches"/>). Every replica may run it; the deletes are idempotent. Thread-safe.
/// </summary>
internal sealed partial class FileExpirySweep(IStorage storage, TimeProvider time, ILogger<FileExpirySweep> logger)
{
    /// <summary>Files deleted per transaction (few: a file may hold up to <see cref="BatchOptions.MaxFileBytes"/>, and SQLite has one writer).</summary>
    public const int BatchSize = 10;

    /// <summary>One pass: deletes every file expired by now; returns how many.</summary>
    public async Task<long> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (deleted, failure) = await BatchedDelete.RunAsync(batch => storage.Files.PurgeExpiredAsync(now, batch, cancellationToken), BatchSize).ConfigureAwait(false);
        if (failure is not null)
        {
            LogFailed(logger, failure.Message);
        }

        if (deleted > 0)
        {
            LogDeleted(logger, deleted);
        }

        return deleted;
    }

    [LoggerMessage(EventId = 4154, Level = LogLevel.Information, Message = "Deleted {Count} expired file(s)")]
    private static partial void LogDeleted(ILogger logger, long count);

    [LoggerMessage(EventId = 4155, Level = LogLevel.Warning, Message = "Expired files could not be deleted: {Error}; tried again at the next pass")]
    private static partial void LogFailed(ILogger logger, string error);
}
