using MaaS.Storage.Abstractions;
using MaaS.Storage.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>DI registration of the API key and model market stores.</summary>
public static class SecurityStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISecurityStorage"/>, <see cref="IApiKeyStore"/> and <see cref="IModelCatalogueStore"/> as
    /// singletons over the configured <c>StorageOptions</c> (bind them yourself, e.g. from <c>Storage</c>), opened by
    /// a hosted service at host start. Resolve them only after the host has started; register hosted services that
    /// read them after this call.
    /// </summary>
    public static IServiceCollection AddMaaSSecurityStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<StorageOptions>();
        services.TryAddSingleton<SecurityStorageHost>();
        services.AddHostedService(sp => sp.GetRequiredService<SecurityStorageHost>());
        services.TryAddSingleton(sp => sp.GetRequiredService<SecurityStorageHost>().Storage);
        services.TryAddSingleton(sp => sp.GetRequiredService<ISecurityStorage>().Keys);
        services.TryAddSingleton(sp => sp.GetRequiredService<ISecurityStorage>().Models);
        return services;
    }
}
