using MaaS.Core;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Postgres;
using MaaS.Storage.Sqlite;
using Microsoft.Extensions.Logging;

namespace MaaS.Storage.Hosting;

/// <summary>Opens the key and market stores on the configured provider (the same <see cref="StorageOptions"/> as the data stores).</summary>
public static class SecurityStorageFactory
{
    /// <summary>Opens and migrates the key and market tables. The caller owns (disposes) the result.</summary>
    public static async ValueTask<Result<ISecurityStorage>> OpenAsync(
        StorageOptions options, ILoggerFactory? loggerFactory = null,
        IPostgresExecutionStrategy? executionStrategy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Provider)
        {
            case StorageProvider.Sqlite:
            {
                var result = await SqliteSecurityStorage.OpenAsync(options.Sqlite, loggerFactory, cancellationToken).ConfigureAwait(false);
                return result.IsSuccess ? result.Value : result.Error;
            }
            case StorageProvider.Postgres:
            {
                var result = await PostgresSecurityStorage.OpenAsync(options.Postgres, loggerFactory, executionStrategy, cancellationToken).ConfigureAwait(false);
                return result.IsSuccess ? result.Value : result.Error;
            }
            default:
                return Error.Invalid("Provider", "must be Sqlite or Postgres");
        }
    }
}
