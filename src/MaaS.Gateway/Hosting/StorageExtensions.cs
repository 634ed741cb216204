using MaaS.Storage.Postgres;
using MaaS.Storage.Privacy;

namespace MaaS.Gateway.Hosting;

/// <summary>
/// Registers the one storage of the gateway: <see cref="StorageOptions"/> bound once from <c>Storage</c> (SQLite file
/// <c>maas.db</c> in the data folder of <see cref="DataLocation"/> unless <c>Storage:Sqlite:Path</c> is set; PostgreSQL with
/// <c>Storage:Provider = Postgres</c> and <c>Storage:Postgres:ConnectionString</c> or <c>ConnectionStrings:Postgres</c>;
/// privacy keys from <c>Privacy</c>, the user key file beside the SQLite file or, with PostgreSQL, in the data folder),
/// every store opened once per process (<see cref="StorageServiceCollectionExtensions.AddMaaSStorage"/>), and the
/// PostgreSQL retries and readiness check (<see cref="StorageServiceCollectionExtensions.AddPostgresResilience"/>).
/// </summary>
internal static class StorageExtensions
{
    /// <summary>
    /// Call before registering hosted services that read stored data (the recommendation index build): hosted services
    /// start in registration order, and storage's loads the demo data at start when asked.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayStorage(this IHostApplicationBuilder builder)
    {
        // Read from the final configuration (resolved lazily), so hosts that add settings late (tests) are honoured.
        builder.Services.AddOptions<StorageOptions>()
            .BindConfiguration("Storage")
            .PostConfigure<IConfiguration>((storage, configuration) =>
            {
                if (string.IsNullOrEmpty(configuration["Storage:Sqlite:Path"]))
                {
                    storage.Sqlite.Path = DataLocation.DatabasePath(DataDirectory(configuration));
                }

                if (string.IsNullOrEmpty(storage.Postgres.ConnectionString) && configuration.GetConnectionString("Postgres") is { Length: > 0 } connection)
                {
                    storage.Postgres.ConnectionString = connection;
                }

                configuration.GetSection("Privacy").Bind(storage.Privacy);
                if (storage.Provider == StorageProvider.Postgres && string.IsNullOrEmpty(storage.Privacy.KeyFile))
                {
                    storage.Privacy.KeyFile = Path.Combine(DataDirectory(configuration), PrivacyOptions.DefaultKeyFileName);
                }
            });
        builder.Services.AddMaaSStorage();
        builder.Services.AddPostgresResilience().AddHealthChecks().AddCheck<PostgresHealthCheck>("storage", tags: [ServerEndpoints.ReadyTag]);
        return builder;
    }

    /// <summary>The data folder, absolute: <c>Storage:DataDirectory</c>, else the default the CLI shares (<see cref="DataLocation"/>).</summary>
    public static string DataDirectory(IConfiguration configuration) => DataLocation.Resolve(configuration[DataLocation.ConfigurationKey]);
}
