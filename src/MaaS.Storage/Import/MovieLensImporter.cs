namespace MaaS.Storage.Import;

/// <summary>What an import did.</summary>
/// <param name="Items">Movies written to the catalogue.</param>
/// <param name="RatingsRead">Rating lines parsed.</param>
/// <param name="RatingsInserted">Ratings that were new (a repeated import inserts none).</param>
/// <param name="MalformedLines">Lines skipped as unparseable.</param>
public sealed record MovieLensImportResult(int Items, long RatingsRead, long RatingsInserted, long MalformedLines);

/// <summary>Loads a <see cref="MovieLensReader"/> into a store in batches.</summary>
public static class MovieLensImporter
{
    /// <summary>
    /// Upserts all movies, then appends all ratings in batches of <paramref name="batchSize"/> (each durable before
    /// the next). Stops at the first store error and returns it; what was written before stays (re-running is safe).
    /// </summary>
    /// <param name="progress">Receives the number of ratings read so far after each batch.</param>
    public static async ValueTask<Result<MovieLensImportResult>> ImportAsync(
        MovieLensReader reader, IStorage storage, string tenant = StorageLimits.DefaultTenant, int batchSize = 5_000,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        batchSize = Math.Min(batchSize, StorageLimits.MaxBatchSize);

        var items = 0;
        foreach (var chunk in reader.ReadItems().Chunk(batchSize))
        {
            var upserted = await storage.Catalog.UpsertAsync(tenant, chunk, cancellationToken).ConfigureAwait(false);
            if (!upserted.IsSuccess)
            {
                return upserted.Error;
            }
            items += upserted.Value;
        }

        long read = 0, inserted = 0;
        foreach (var chunk in reader.ReadRatings().Chunk(batchSize))
        {
            var appended = await storage.Events.AppendAsync(tenant, chunk, cancellationToken).ConfigureAwait(false);
            if (!appended.IsSuccess)
            {
                return appended.Error;
            }
            read += chunk.Length;
            inserted += appended.Value.Inserted;
            progress?.Report(read);
        }
        return new MovieLensImportResult(items, read, inserted, reader.MalformedLines);
    }
}
