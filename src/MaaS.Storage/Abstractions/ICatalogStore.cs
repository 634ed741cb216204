using MaaS.Core;
namespace MaaS.Storage.Abstractions;

/// <summary>A tenant's item catalogue. Implementations are thread-safe and shared as singletons.</summary>
public interface ICatalogStore
{
    /// <summary>
    /// Inserts new items and replaces existing ones (all fields) by <see cref="CatalogItem.ItemId"/>, atomically.
    /// One bad item rejects the batch with every broken rule; when an id repeats in the batch the last one wins.
    /// Returns the number of items written.
    /// </summary>
    /// <param name="items">At most <see cref="StorageLimits.MaxBatchSize"/> items; not retained.</param>
    ValueTask<Result<int>> UpsertAsync(
        string tenant, IReadOnlyList<CatalogItem> items, CancellationToken cancellationToken = default);

    /// <summary>One item, or <see cref="ErrorCode.NotFound"/>.</summary>
    ValueTask<Result<CatalogItem>> GetAsync(
        string tenant, string itemId, CancellationToken cancellationToken = default);

    /// <summary>The items that exist among <paramref name="itemIds"/>, keyed by id (missing ids are absent).</summary>
    /// <param name="itemIds">At most <see cref="StorageLimits.MaxReadLimit"/> ids; duplicates are fine.</param>
    ValueTask<Result<IReadOnlyDictionary<string, CatalogItem>>> GetManyAsync(
        string tenant, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of items ordered by id (ordinal): those with id greater than <paramref name="afterItemId"/>
    /// (null for the first page). Pass the last id of a page to get the next.
    /// </summary>
    /// <param name="limit">1..<see cref="StorageLimits.MaxReadLimit"/>.</param>
    ValueTask<Result<IReadOnlyList<CatalogItem>>> ListAsync(
        string tenant, string? afterItemId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every item of the tenant in id order, read in pages of <paramref name="pageSize"/> without holding a
    /// transaction between pages. Database failures surface as exceptions from the enumerator.
    /// </summary>
    IAsyncEnumerable<CatalogItem> StreamAllAsync(
        string tenant, int pageSize = 1_000, CancellationToken cancellationToken = default);

    /// <summary>Number of items in the tenant's catalogue.</summary>
    ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default);
}
