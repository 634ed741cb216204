using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MaaS.Services.Search;

/// <summary>DI registration of catalogue search.</summary>
internal static class SearchServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CatalogueSearch"/>, the title suggester (<see cref="Suggest.TitleSuggestions"/>) and the background item embedding. Needs <c>AddMaaSRecommendations</c>
    /// (the tenants' catalogues) and an <see cref="Models.Embeddings.EmbeddingService"/>; bind
    /// <see cref="SearchOptions"/> yourself (e.g. <c>BindConfiguration(SearchOptions.SectionName)</c>).
    /// </summary>
    public static IServiceCollection AddMaaSSearch(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SearchOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ItemEmbeddings>();
        services.AddSingleton(sp => new QueryEmbeddings(
            sp.GetRequiredService<Models.Embeddings.EmbeddingService>(),
            sp.GetRequiredService<IOptions<SearchOptions>>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<CatalogueSearch>();
        services.AddSingleton<SearchIndexes>();
        services.AddSingleton<Suggest.SuggestIndexes>();
        services.AddSingleton<ITenantObserver>(static s => s.GetRequiredService<Suggest.SuggestIndexes>());
        services.AddSingleton<Suggest.TitleSuggestions>();
        services.AddHostedService<SearchEmbeddingFollower>();
        return services;
    }
}
