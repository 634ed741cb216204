namespace MaaS.Storage.Abstractions;

/// <summary>
/// An opened, migrated database exposing the three stores. Thread-safe; one instance per process (a singleton).
/// The owner disposes it, which closes connections; the stores must not be used afterwards.
/// </summary>
public interface IStorage : IAsyncDisposable
{
    /// <summary>"sqlite" or "postgres".</summary>
    string Provider { get; }

    IEventStore Events { get; }

    ICatalogStore Catalog { get; }

    IUserStore Users { get; }
}
