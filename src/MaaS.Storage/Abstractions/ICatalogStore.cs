namespace MaaS.Storage.Abstractions;

/// <summary>
/// A tenant's item catalogue and its change feed. Every upsert and delete also records, in the same transaction, a
/// change with a sequence number that increases in commit order across all tenants, so replicas that each keep the
/// catalogue in memory can follow the writes of the others (<see cref="GetChangesAsync"/>). Implementations are
/// thread-safe and shared as singletons.
/// </summary>
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

    /// <summary>
    /// Deletes one item and records the deletion in the change feed; returns whether the item existed (deleting an
    /// unknown id changes nothing). Upserting the id later brings it back as a new item.
    /// </summary>
    ValueTask<Result<bool>> DeleteAsync(string tenant, string itemId, CancellationToken cancellationToken = default);

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

    /// <summary>
    /// A page of the tenant's change feed: every item changed after <paramref name="afterSequence"/>, once, with its
    /// latest change, ordered by <see cref="CatalogChange.Sequence"/>. Changes commit in sequence order, so a reader
    /// that has applied everything up to a sequence has missed nothing below it; pass the last sequence of a page to get
    /// the next, and 0 for the whole catalogue (deleted items included, as deletions).
    /// </summary>
    /// <param name="afterSequence">0 or a sequence an earlier page returned.</param>
    /// <param name="limit">1..<see cref="StorageLimits.MaxReadLimit"/>.</param>
    ValueTask<Result<IReadOnlyList<CatalogChange>>> GetChangesAsync(
        string tenant, long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>The largest sequence of any tenant's catalogue change (0 before the first): a reader behind it may have changes to read.</summary>
    ValueTask<Result<long>> GetLatestSequenceAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes when a catalogue change may have been committed since the previous wait returned (written through
    /// this store, or, with PostgreSQL, by any process on the same schema), or when <paramref name="timeout"/> has
    /// passed. A wake-up may be spurious, and with PostgreSQL a notification sent while the listening connection was
    /// down is lost: callers read <see cref="GetLatestSequenceAsync"/> after every return, so a lost one only costs
    /// the timeout. Never fails for a database error. Meant for one waiter per store.
    /// </summary>
    ValueTask WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores item embeddings, replacing any earlier one of the same item and model. They are a cache of what the
    /// model computes from the item: they do not enter the change feed, and a deleted item's embedding goes with it.
    /// </summary>
    ValueTask<Result<int>> PutEmbeddingsAsync(string tenant, IReadOnlyList<ItemEmbedding> embeddings, CancellationToken cancellationToken = default);

    /// <summary>Every stored embedding of <paramref name="model"/> in the tenant (any version).</summary>
    ValueTask<Result<IReadOnlyList<ItemEmbedding>>> GetEmbeddingsAsync(string tenant, string model, CancellationToken cancellationToken = default);
}
