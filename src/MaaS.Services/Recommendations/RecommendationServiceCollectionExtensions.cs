using MaaS.Models.Telemetry;
using MaaS.Services.Recommendations.Attribution;
using MaaS.Services.Recommendations.Evaluation;
using MaaS.Services.Recommendations.Users;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MaaS.Services.Recommendations;

/// <summary>DI registration of the recommendation service.</summary>
internal static class RecommendationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the request-time services (ingestion, catalogue, recommend and similar items, user analysis and
    /// erasure), the writable item-CF registry under the <see cref="DataDirectory"/> with its <c>itemcf</c> loader (also
    /// added to the main model registry), the background index rebuild, and the catalogue change feed follower.
    /// <see cref="RecommendationOptions"/> are validated on start; bind them yourself (e.g.
    /// <c>BindConfiguration(RecommendationOptions.SectionName)</c>). The host registers the <see cref="DataDirectory"/>
    /// and the storage (<c>AddMaaSStorage</c>) before calling this: hosted services start in registration order, and the
    /// rebuild reads the store at start.
    /// </summary>
    public static IServiceCollection AddMaaSRecommendations(this IServiceCollection services, Action<RecommendationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptionsWithValidateOnStart<RecommendationOptions, RecommendationOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecommendationOptions>, DebiasOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ModelMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton(sp => new EventWeights(sp.GetRequiredService<IOptions<RecommendationOptions>>().Value.EventWeights));
        services.AddSingleton<UserIdHasher>();
        services.AddSingleton<ItemCfModelLoader>();
        // The main registry loads itemcf versions too (e.g. an index published into models/ by the CLI).
        services.AddModelLoader<ItemCfModelLoader>();
        services.AddSingleton<RecommendationModels>();
        services.AddSingleton<CatalogueFeatures>();
        services.AddSingleton<TenantStates>();
        services.AddSingleton<BuildAdmission>();
        services.AddSingleton<IndexBuilder>();
        services.AddSingleton<RebuildJobs>();
        services.AddSingleton<RebuildQueue>();
        services.AddSingleton<MaaS.Services.Jobs.IJobHandler, IndexRebuildJobHandler>();
        services.AddSingleton<UserHistoryCache>();
        services.AddSingleton<AttributionTally>();
        services.AddSingleton<AttributionReports>();
        services.AddSingleton<AttributionFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<AttributionFlusher>());
        services.AddSingleton<EventIngestion>();
        services.AddSingleton<CatalogueService>();
        services.AddSingleton<RecommendationService>();
        services.AddSingleton<UserAnalyzer>();
        services.AddSingleton<UserErasure>();
        services.AddSingleton<UserExporter>();
        services.AddSingleton<BiasReportService>();
        services.AddOptions<RetentionOptions>();
        services.AddSingleton<EventRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<EventRetention>());
        services.AddOptions<ResealOptions>();
        services.AddSingleton<EventResealing>();
        services.AddHostedService(sp => sp.GetRequiredService<EventResealing>());
        services.AddSingleton<IndexRebuildService>();
        services.AddHostedService(sp => sp.GetRequiredService<IndexRebuildService>());
        services.AddHostedService<CatalogueFeedFollower>();
        services.AddSingleton<TrendingFollower>();
        services.AddHostedService(sp => sp.GetRequiredService<TrendingFollower>());
        return services;
    }
}
