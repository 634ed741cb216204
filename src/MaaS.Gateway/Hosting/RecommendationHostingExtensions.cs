namespace MaaS.Gateway.Hosting;

/// <summary>
/// Hosts the recommendation service (MaaS.Services): its data folder, its options from the <c>Recommendations</c>
/// section (and event retention's from <c>Retention</c>), its registrations, and the JSON of its contracts. Call after <c>AddGatewayStorage</c>.
/// </summary>
internal static class RecommendationHostingExtensions
{
    public static IHostApplicationBuilder AddRecommendations(this IHostApplicationBuilder builder)
    {
        // Read from the final configuration (resolved lazily), so hosts that add settings late (tests) are honoured.
        builder.Services.AddSingleton(sp => new DataDirectory(StorageExtensions.DataDirectory(sp.GetRequiredService<IConfiguration>())));
        // Storage is registered by AddGatewayStorage, before this: it opens (and seeds) before the indexes build.
        builder.Services.AddOptions<RecommendationOptions>().BindConfiguration(RecommendationOptions.SectionName);
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName);
        builder.Services.AddOptions<ResealOptions>().BindConfiguration(ResealOptions.SectionName);
        builder.Services.AddMaaSRecommendations();
        builder.Services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.SectionName);
        builder.Services.AddMaaSSearch();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, RecommendationsJsonContext.Default));
        return builder;
    }
}
