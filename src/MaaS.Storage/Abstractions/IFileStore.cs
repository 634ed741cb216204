namespace MaaS.Storage.Abstractions;

/// <summary>
/// Files a tenant stores for offline work (OpenAI's Files API: batch inputs, and the outputs and error files batches
/// write): name, purpose and bytes, kept in the database so that every replica serves every file. Thread-safe; shared
/// as a singleton.
/// </summary>
public interface IFileStore
{
    /// <summary>
    /// Stores a file, or replaces the file of the same id and tenant (a batch writing its output again after a
    /// restart). With a <paramref name="quota"/>, the tenant's files after the write must stay within it (a
    /// <see cref="ErrorCode.Conflict"/> otherwise), checked in the same transaction as the write.
    /// </summary>
    ValueTask<Result<FileRecord>> PutAsync(NewFile file, ReadOnlyMemory<byte> content, FileQuota? quota, CancellationToken cancellationToken = default);

    /// <summary>The tenant's file, or <see cref="ErrorCode.NotFound"/> (also for another tenant's file).</summary>
    ValueTask<Result<FileRecord>> GetAsync(string tenant, string id, CancellationToken cancellationToken = default);

    /// <summary>The bytes of the tenant's file, or <see cref="ErrorCode.NotFound"/>.</summary>
    ValueTask<Result<byte[]>> GetContentAsync(string tenant, string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of the tenant's files by creation time, then id (oldest first when <paramref name="ascending"/>, else newest
    /// first): at most <paramref name="limit"/> of <paramref name="purpose"/> (null: every purpose) that come after
    /// <paramref name="after"/> in that order (null: from the start).
    /// </summary>
    /// <param name="limit">1..<see cref="StorageLimits.MaxReadLimit"/>.</param>
    ValueTask<Result<IReadOnlyList<FileRecord>>> ListAsync(
        string tenant, string? purpose, FileCursor? after, bool ascending, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes the tenant's file; <see cref="ErrorCode.NotFound"/> when it has none of that id.</summary>
    ValueTask<Result<FileRecord>> DeleteAsync(string tenant, string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes at most <paramref name="limit"/> files, of every tenant, whose <see cref="FileRecord.ExpiresAt"/> is at or
    /// before <paramref name="now"/>, the earliest first; returns how many. Every read already treats such a file as gone.
    /// </summary>
    ValueTask<Result<int>> PurgeExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);
}

/// <summary>A file to store.</summary>
/// <param name="Id">Server-minted id: <c>file-</c> and 32 lower-case hex characters.</param>
/// <param name="Tenant">Owning tenant.</param>
/// <param name="Filename">The name it was uploaded under (1..255 characters).</param>
/// <param name="Purpose">OpenAI's purpose: <c>batch</c>, <c>batch_output</c>, ….</param>
/// <param name="ExpiresAfter">
/// How long after it was first stored the file expires (positive; a replacement keeps the first creation time as the
/// anchor), as OpenAI's <c>expires_after</c> with anchor <c>created_at</c>; null: kept until deleted.
/// </param>
public sealed record NewFile(string Id, string Tenant, string Filename, string Purpose, TimeSpan? ExpiresAfter = null);

/// <summary>Most files and bytes one tenant may keep.</summary>
/// <param name="MaxFiles">Files, of every purpose.</param>
/// <param name="MaxBytes">Their bytes together.</param>
public sealed record FileQuota(int MaxFiles, long MaxBytes);

/// <summary>A place in a list of files: the file created at <paramref name="CreatedAt"/> with id <paramref name="Id"/>.</summary>
public sealed record FileCursor(DateTimeOffset CreatedAt, string Id)
{
    /// <summary>The place of a stored file.</summary>
    public static FileCursor Of(FileRecord file) => new(file.CreatedAt, file.Id);
}

/// <summary>A stored file, without its bytes.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Tenant">Owning tenant.</param>
/// <param name="Filename">The name it was stored under.</param>
/// <param name="Purpose">Its purpose.</param>
/// <param name="Bytes">Its size in bytes.</param>
/// <param name="CreatedAt">When it was first stored (a replacement keeps it).</param>
/// <param name="ExpiresAt">When it expires (from then on it reads as gone), or null: kept until deleted.</param>
public sealed record FileRecord(string Id, string Tenant, string Filename, string Purpose, long Bytes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt = null);
