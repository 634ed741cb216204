namespace MaaS.Storage.Abstractions;

/// <summary>
/// The stores of one opened database, as <see cref="IStorage"/> exposes them: each provider passes its own
/// implementations, so a new store is one more parameter here, not one more property in every provider.
/// </summary>
public abstract class StoreSet(
    IEventStore events, ICatalogStore catalog, IUserStore users, IApiKeyStore keys, IModelMarketStore market, IAgentStore agents, IJobStore jobs,
    IRecommendationCountStore recommendationCounts, IFileStore files)
{
    public IEventStore Events { get; } = events;

    public ICatalogStore Catalog { get; } = catalog;

    public IUserStore Users { get; } = users;

    public IApiKeyStore Keys { get; } = keys;

    public IModelMarketStore Market { get; } = market;

    public IAgentStore Agents { get; } = agents;

    public IJobStore Jobs { get; } = jobs;

    public IRecommendationCountStore RecommendationCounts { get; } = recommendationCounts;

    public IFileStore Files { get; } = files;
}
