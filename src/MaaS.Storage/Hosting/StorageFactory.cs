using MaaS.Storage.Seeding;
using MaaS.Storage.Sqlite;

namespace MaaS.Storage.Hosting;

/// <summary>Opens the configured provider; the one entry point hosts and tools need.</summary>
public static class StorageFactory
{
    /// <summary>
    /// Opens and migrates the configured database. The caller owns (disposes) the result.
    /// </summary>
    /// <param name="executionStrategy">PostgreSQL transient-fault handling (ignored for SQLite); null runs each operation once.</param>
    public static async ValueTask<Result<IStorage>> OpenAsync(
        StorageOptions options, ILoggerFactory? loggerFactory = null,
        IPostgresExecutionStrategy? executionStrategy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Provider)
        {
            case StorageProvider.Sqlite:
                {
                    var result = await SqliteStorage.OpenAsync(options.Sqlite, options.Privacy, loggerFactory, cancellationToken).ConfigureAwait(false);
                    return result.IsSuccess ? result.Value : result.Error;
                }
            case StorageProvider.Postgres:
                {
                    var result = await PostgresStorage.OpenAsync(options.Postgres, options.Privacy, loggerFactory, executionStrategy, cancellationToken).ConfigureAwait(false);
                    return result.IsSuccess ? result.Value : result.Error;
                }
            default:
                return Error.Invalid("Provider", "must be Sqlite or Postgres");
        }
    }

    /// <summary>
    /// Loads <see cref="DemoSeed.Create"/> into <paramref name="tenant"/> when its catalogue is empty.
    /// Idempotent: events dedupe by id and items upsert. Returns whether data was loaded.
    /// </summary>
    public static async ValueTask<Result<bool>> SeedDemoWhenEmptyAsync(
        IStorage storage, string tenant = StorageLimits.DefaultTenant, int seed = 42, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var count = await storage.Catalog.CountAsync(tenant, cancellationToken).ConfigureAwait(false);
        if (!count.IsSuccess)
        {
            return count.Error;
        }
        if (count.Value > 0)
        {
            return false;
        }
        var data = DemoSeed.Create(seed);
        var items = await storage.Catalog.UpsertAsync(tenant, data.Items, cancellationToken).ConfigureAwait(false);
        if (!items.IsSuccess)
        {
            return items.Error;
        }
        foreach (var chunk in data.Events.Chunk(StorageLimits.MaxBatchSize))
        {
            var appended = await storage.Events.AppendAsync(tenant, chunk, cancellationToken).ConfigureAwait(false);
            if (!appended.IsSuccess)
            {
                return appended.Error;
            }
        }
        return true;
    }
}
