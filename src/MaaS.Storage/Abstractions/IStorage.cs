namespace MaaS.Storage.Abstractions;

/// <summary>
/// An opened, migrated database exposing every store: interaction events, users, the item catalogue, API keys and the
/// model market. The data tables and the key and market tables keep separate schema versions (so each family migrates
/// without touching the other's scripts) in the same SQLite file or PostgreSQL schema. Thread-safe; one instance per
/// process (a singleton). The owner disposes it, which closes connections; the stores must not be used afterwards.
/// </summary>
public interface IStorage : IAsyncDisposable
{
    /// <summary>"sqlite" or "postgres".</summary>
    string Provider { get; }

    IEventStore Events { get; }

    ICatalogStore Catalog { get; }

    IUserStore Users { get; }

    IApiKeyStore Keys { get; }

    /// <summary>
    /// Ownership, visibility and shares of published models. Named for the market, not "catalogue", so it is never
    /// confused with <see cref="Catalog"/> (the tenant's items).
    /// </summary>
    IModelMarketStore Market { get; }

    /// <summary>Agent definitions and their decision logs (its own table family, <c>agents_schema_version</c>).</summary>
    IAgentStore Agents { get; }

    /// <summary>Durable background jobs (training runs) with their inputs, claimed through the database.</summary>
    IJobStore Jobs { get; }

    /// <summary>Hourly totals of the recommendations served and the events attributed to them, which replicas add to.</summary>
    IRecommendationCountStore RecommendationCounts { get; }

    /// <summary>Files of OpenAI's Files API (batch inputs and outputs) with their bytes; tables of the jobs family.</summary>
    IFileStore Files { get; }
}
