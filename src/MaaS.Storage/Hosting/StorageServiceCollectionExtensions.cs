using MaaS.Storage.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>DI registration of MaaS storage.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the one <see cref="IStorage"/> of the process and its stores (<see cref="IEventStore"/>,
    /// <see cref="ICatalogStore"/>, <see cref="IUserStore"/>, <see cref="IApiKeyStore"/>, <see cref="IModelMarketStore"/>)
    /// as singletons. The database is opened and migrated on the first resolution of any of them, or at host start
    /// when nothing resolved one before; a database that cannot be opened fails that resolution or the start. Demo data
    /// (<see cref="StorageOptions.SeedDemoDataWhenEmpty"/>) is loaded by the hosted service at start: register hosted
    /// services that read it after this call, since hosted services start in registration order. Options come from
    /// <paramref name="configure"/> and any other <c>StorageOptions</c> configuration, e.g.
    /// <c>services.AddOptions&lt;StorageOptions&gt;().BindConfiguration("Storage")</c> (bind them once). To add
    /// PostgreSQL retries, call <see cref="AddPostgresResilience"/> (or register another <c>IPostgresExecutionStrategy</c> singleton): every store runs through it.
    /// </summary>
    public static IServiceCollection AddMaaSStorage(this IServiceCollection services, Action<StorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<StorageOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddSingleton<StorageHost>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageHost>());
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageHost>().Storage);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Events);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Catalog);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Users);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Keys);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Market);
        return services;
    }

    /// <summary>
    /// PostgreSQL resilience for replicas: every store runs through <see cref="PollyPostgresExecutionStrategy"/> (the
    /// storage host takes it when it opens the database), and <see cref="PostgresHealthCheck"/> is registered for the
    /// host to add to its readiness checks. SQLite is untouched.
    /// </summary>
    public static IServiceCollection AddPostgresResilience(this IServiceCollection services)
    {
        services.AddSingleton<IPostgresExecutionStrategy, PollyPostgresExecutionStrategy>();
        services.AddSingleton<PostgresHealthCheck>();
        return services;
    }
}
