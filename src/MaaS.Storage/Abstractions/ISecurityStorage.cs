namespace MaaS.Storage.Abstractions;

/// <summary>
/// The API key and model market stores over one database. Their tables have their own schema version, separate from
/// <see cref="IStorage"/>'s, so the two evolve without touching each other's migrations; both may share one file or
/// PostgreSQL schema. Thread-safe; one per process; the owner disposes it.
/// </summary>
public interface ISecurityStorage : IAsyncDisposable
{
    /// <summary>"sqlite" or "postgres".</summary>
    string Provider { get; }

    IApiKeyStore Keys { get; }

    IModelCatalogueStore Models { get; }
}
