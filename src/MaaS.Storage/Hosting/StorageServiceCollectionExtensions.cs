using MaaS.Storage.Abstractions;
using MaaS.Storage.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>DI registration of MaaS storage.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IStorage"/>, <see cref="IEventStore"/>, <see cref="ICatalogStore"/> and
    /// <see cref="IUserStore"/> as singletons, opened (and migrated, and optionally demo-seeded) by a hosted service
    /// at host start. Resolve them only after the host has started; register hosted services that read storage
    /// after this call, since hosted services start in registration order. Options come from
    /// <paramref name="configure"/> and any other <c>StorageOptions</c> configuration, e.g.
    /// <c>services.AddOptions&lt;StorageOptions&gt;().BindConfiguration("Storage")</c>. To add PostgreSQL retries,
    /// register an <c>IPostgresExecutionStrategy</c> singleton.
    /// </summary>
    public static IServiceCollection AddMaaSStorage(this IServiceCollection services, Action<StorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<StorageOptions>();
        if (configure is not null) builder.Configure(configure);
        services.TryAddSingleton<StorageHost>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageHost>());
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageHost>().Storage);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Events);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Catalog);
        services.TryAddSingleton(sp => sp.GetRequiredService<IStorage>().Users);
        return services;
    }
}
