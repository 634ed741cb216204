using MaaS.Gateway.Contracts.V1;
using MaaS.Models.Registry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MaaS.Gateway.Recommendations;

/// <summary>
/// Registers the recommendation service: the writable item-CF model registry with its <c>itemcf</c> loader, the
/// request-time services, and the background index rebuild. Call after <c>AddGatewayStorage</c>.
/// </summary>
internal static class RecommendationHostingExtensions
{
    public const string DataDirectoryKey = "Storage:DataDirectory";

    public static IHostApplicationBuilder AddRecommendations(this IHostApplicationBuilder builder)
    {
        // Read from the final configuration (resolved lazily), so hosts that add settings late (tests) are honoured.
        builder.Services.AddSingleton(sp => new DataDirectory(
            Path.GetFullPath(sp.GetRequiredService<IConfiguration>()[DataDirectoryKey] is { Length: > 0 } dir ? dir : "data")));
        // Storage is registered by AddGatewayStorage, before this: it opens (and seeds) before the indexes build.
        builder.Services.AddOptions<RecommendationOptions>().BindConfiguration(RecommendationOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecommendationOptions>, RecommendationOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new EventWeights(sp.GetRequiredService<IOptions<RecommendationOptions>>().Value.EventWeights));
        builder.Services.AddSingleton<UserIdHasher>();
        builder.Services.AddSingleton<ItemCfModelLoader>();
        // The main registry loads itemcf versions too (e.g. an index published into models/ by the CLI).
        builder.Services.AddModelLoader<ItemCfModelLoader>();
        builder.Services.AddSingleton<RecommendationModels>();
        builder.Services.AddSingleton<CatalogueFeatures>();
        builder.Services.AddSingleton<TenantStates>();
        builder.Services.AddSingleton<IndexBuilder>();
        builder.Services.AddSingleton<UserHistoryCache>();
        builder.Services.AddSingleton<EventIngestion>();
        builder.Services.AddSingleton<CatalogueService>();
        builder.Services.AddSingleton<RecommendationService>();
        builder.Services.AddSingleton<UserAnalyzer>();
        builder.Services.AddSingleton<IndexRebuildService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IndexRebuildService>());
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, RecommendationsJsonContext.Default));
        return builder;
    }
}
