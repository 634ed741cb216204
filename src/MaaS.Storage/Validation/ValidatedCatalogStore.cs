using System.Runtime.CompilerServices;

namespace MaaS.Storage.Validation;

/// <summary>
/// What every <see cref="ICatalogStore"/> does before it reaches its database: the input rules, the empty-batch
/// short cut, the keyset walk behind <see cref="StreamAllAsync"/>, and the in-process change signal behind
/// <see cref="WaitForChangeAsync"/>. Written once so the providers cannot drift apart; each supplies only its queries,
/// which see valid inputs alone.
/// </summary>
internal abstract class ValidatedCatalogStore : ICatalogStore
{
    // A write that commits while nobody waits leaves it set, so the next wait returns at once.
    private readonly ChangeSignal _changed = new();

    public ValueTask<Result<int>> UpsertAsync(
        string tenant, IReadOnlyList<CatalogItem> items, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Items(items)) is { } invalid)
        {
            return Refusal.Of<int>(invalid);
        }
        return items.Count == 0 ? ValueTask.FromResult(Result<int>.Ok(0)) : SignalledAsync(UpsertCoreAsync(tenant, items, cancellationToken));
    }

    public ValueTask<Result<bool>> DeleteAsync(string tenant, string itemId, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? InputValidator.Id(itemId, "itemId")) is { } invalid
            ? Refusal.Of<bool>(invalid)
            : SignalledAsync(DeleteCoreAsync(tenant, itemId, cancellationToken));

    public ValueTask<Result<IReadOnlyList<CatalogChange>>> GetChangesAsync(
        string tenant, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return Refusal.Of<IReadOnlyList<CatalogChange>>(invalid);
        }
        if (afterSequence < 0)
        {
            return Refusal.Of<IReadOnlyList<CatalogChange>>(Error.Invalid("afterSequence", "must not be negative"));
        }
        return GetChangesCoreAsync(tenant, afterSequence, limit, cancellationToken);
    }

    public abstract ValueTask<Result<long>> GetLatestSequenceAsync(CancellationToken cancellationToken = default);

    public ValueTask<Result<int>> PutEmbeddingsAsync(string tenant, IReadOnlyList<ItemEmbedding> embeddings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (InputValidator.Tenant(tenant) is { } invalid)
        {
            return Refusal.Of<int>(invalid);
        }
        return embeddings.Count == 0 ? ValueTask.FromResult(Result<int>.Ok(0)) : PutEmbeddingsCoreAsync(tenant, embeddings, cancellationToken);
    }

    public ValueTask<Result<IReadOnlyList<ItemEmbedding>>> GetEmbeddingsAsync(string tenant, string model, CancellationToken cancellationToken = default) =>
        InputValidator.Tenant(tenant) is { } invalid
            ? Refusal.Of<IReadOnlyList<ItemEmbedding>>(invalid)
            : GetEmbeddingsCoreAsync(tenant, model, cancellationToken);

    protected abstract ValueTask<Result<int>> PutEmbeddingsCoreAsync(string tenant, IReadOnlyList<ItemEmbedding> embeddings, CancellationToken cancellationToken);

    protected abstract ValueTask<Result<IReadOnlyList<ItemEmbedding>>> GetEmbeddingsCoreAsync(string tenant, string model, CancellationToken cancellationToken);

    /// <summary>Waits for this process's own writes; PostgreSQL adds the other replicas' notifications.</summary>
    public virtual ValueTask WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _changed.WaitAsync(timeout, cancellationToken);

    /// <summary>Wakes the waiter of <see cref="WaitForChangeAsync"/> (or the next one, if none waits now).</summary>
    protected void SignalChange() => _changed.Set();

    public ValueTask<Result<CatalogItem>> GetAsync(string tenant, string itemId, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? InputValidator.Id(itemId, "itemId")) is { } invalid
            ? Refusal.Of<CatalogItem>(invalid)
            : GetCoreAsync(tenant, itemId, cancellationToken);

    public ValueTask<Result<IReadOnlyDictionary<string, CatalogItem>>> GetManyAsync(
        string tenant, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.ItemIds(itemIds)) is { } invalid)
        {
            return Refusal.Of<IReadOnlyDictionary<string, CatalogItem>>(invalid);
        }
        if (itemIds.Count == 0)
        {
            return ValueTask.FromResult(Result<IReadOnlyDictionary<string, CatalogItem>>.Ok(new Dictionary<string, CatalogItem>(StringComparer.Ordinal)));
        }
        return GetManyCoreAsync(tenant, [.. itemIds.Distinct(StringComparer.Ordinal)], cancellationToken);
    }

    public ValueTask<Result<IReadOnlyList<CatalogItem>>> ListAsync(
        string tenant, string? afterItemId, int limit, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? InputValidator.OptionalId(afterItemId, "afterItemId") ?? InputValidator.Limit(limit)) is { } invalid
            ? Refusal.Of<IReadOnlyList<CatalogItem>>(invalid)
            : ListCoreAsync(tenant, afterItemId, limit, cancellationToken);

    public async IAsyncEnumerable<CatalogItem> StreamAllAsync(
        string tenant, int pageSize = 1_000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Limit(pageSize, nameof(pageSize))) is { } invalid)
        {
            throw new ArgumentException(invalid.Message, invalid.Problems[0].Field);
        }
        string? after = null;
        while (true)
        {
            var page = await PageAsync(tenant, after, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var item in page)
            {
                yield return item;
            }
            if (page.Count < pageSize)
            {
                yield break;
            }
            after = page[^1].ItemId;
        }
    }

    public abstract ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Upserts a non-empty batch.</summary>
    protected abstract ValueTask<Result<int>> UpsertCoreAsync(string tenant, IReadOnlyList<CatalogItem> items, CancellationToken cancellationToken);

    /// <summary>Deletes an item and records the deletion; false when there was no such item.</summary>
    protected abstract ValueTask<Result<bool>> DeleteCoreAsync(string tenant, string itemId, CancellationToken cancellationToken);

    protected abstract ValueTask<Result<IReadOnlyList<CatalogChange>>> GetChangesCoreAsync(string tenant, long afterSequence, int limit, CancellationToken cancellationToken);

    protected abstract ValueTask<Result<CatalogItem>> GetCoreAsync(string tenant, string itemId, CancellationToken cancellationToken);

    /// <summary>Reads the items of <paramref name="itemIds"/> (non-empty, no repeats) that exist.</summary>
    protected abstract ValueTask<Result<IReadOnlyDictionary<string, CatalogItem>>> GetManyCoreAsync(string tenant, string[] itemIds, CancellationToken cancellationToken);

    protected abstract ValueTask<Result<IReadOnlyList<CatalogItem>>> ListCoreAsync(string tenant, string? afterItemId, int limit, CancellationToken cancellationToken);

    /// <summary>One page of the stream in item id order (ordinal), after <paramref name="after"/>; throws on a database failure.</summary>
    protected abstract Task<List<CatalogItem>> PageAsync(string tenant, string? after, int limit, CancellationToken cancellationToken);

    private async ValueTask<Result<T>> SignalledAsync<T>(ValueTask<Result<T>> write)
    {
        var result = await write.ConfigureAwait(false);
        if (result.IsSuccess)
        {
            SignalChange();
        }
        return result;
    }
}
