using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MaaS.Services.Market;

/// <summary>DI registration of the model market.</summary>
internal static class MarketServiceCollectionExtensions
{
    /// <summary>
    /// Registers the market over the model registry and storage (register both first): <see cref="ModelAccess"/> with
    /// its periodic refresh, <see cref="ModelPublisher"/> with its <see cref="ModelQuantizer"/>, the stored version
    /// policies (<see cref="ModelVersionPolicies"/>, followed by <see cref="VersionPolicyFollower"/>), and <see cref="TenantModelRegistry"/> in place of
    /// <see cref="IModelRegistry"/>. The host supplies <see cref="ITenantContext"/> and configures
    /// <see cref="MarketOptions"/> (bind the quotas yourself, e.g. <c>BindConfiguration(MarketOptions.SectionName)</c>);
    /// they are validated on start.
    /// </summary>
    public static IServiceCollection AddModelMarket(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<MarketOptions, MarketOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ModelAccess>();
        services.AddHostedService<ModelAccessRefresher>();
        services.AddSingleton<ModelPublisher>();
        services.AddSingleton<ModelQuantizer>();
        services.AddSingleton<ModelVersionPolicies>();
        services.AddHostedService<VersionPolicyFollower>();
        services.Replace(ServiceDescriptor.Singleton<IModelRegistry, TenantModelRegistry>());
        return services;
    }
}
