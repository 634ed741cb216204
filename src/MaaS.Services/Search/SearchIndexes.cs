namespace MaaS.Services.Search;

/// <summary>What one search reads: a lexical index and the vectors over its items (null without an embedding model), always built together so their ordinals agree.</summary>
internal sealed record SearchIndex(LexicalIndex Lexical, VectorIndex? Vectors);

/// <summary>
/// Each tenant's current <see cref="SearchIndex"/>, rebuilt in the background when the catalogue snapshot or the item
/// embeddings move and swapped in whole when done: a search meanwhile reads the previous one, so no request pays for
/// a rebuild (BM25 and int8 quantisation over 100,000 items take seconds). Only a tenant's first search, with
/// nothing to serve yet, or one whose model version changed under it, waits for a build. One build per tenant at a time.
/// Thread-safe.
/// </summary>
internal sealed class SearchIndexes(ItemEmbeddings embeddings)
{
    private readonly ConcurrentDictionary<string, Holder> _tenants = new(StringComparer.Ordinal);

    /// <summary>
    /// The tenant's index for <paramref name="state"/>'s catalogue and embedding model <paramref name="version"/>
    /// (null: lexical only): the current one, even if stale (a rebuild is then started), unless there is none or its
    /// vectors come from another version.
    /// </summary>
    public async ValueTask<SearchIndex> GetAsync(TenantState state, long? version)
    {
        var holder = _tenants.GetOrAdd(state.Tenant, static _ => new Holder());
        var current = holder.Current;
        if (current is not null && IsFresh(state, current, version))
        {
            return current;
        }

        var building = Rebuild(state, holder, version);
        if (current is not null && (version is null || current.Vectors?.Version == version))
        {
            return current;
        }

        return await building.ConfigureAwait(false);
    }

    /// <summary>Starts rebuilding the index of every tenant that has searched and whose index is stale (the feed follower's poll).</summary>
    public void Refresh(TenantState state, long? version)
    {
        if (_tenants.TryGetValue(state.Tenant, out var holder) && holder.Current is { } current && !IsFresh(state, current, version))
        {
            _ = Rebuild(state, holder, version);
        }
    }

    private bool IsFresh(TenantState state, SearchIndex index, long? version) =>
        ReferenceEquals(index.Lexical.Snapshot, state.Catalogue)
        && (version is not long v ? index.Vectors is null : index.Vectors is { } vectors && embeddings.IsCurrent(state.Tenant, vectors, index.Lexical, v));

    private Task<SearchIndex> Rebuild(TenantState state, Holder holder, long? version)
    {
        lock (holder)
        {
            if (!holder.Building.IsCompleted)
            {
                return holder.Building;
            }

            holder.Building = Task.Run(() =>
            {
                var previous = holder.Current;
                var snapshot = state.Catalogue;
                var lexical = previous is not null && ReferenceEquals(previous.Lexical.Snapshot, snapshot) ? previous.Lexical : LexicalIndex.Build(snapshot);
                var vectors = version is long v ? embeddings.IndexFor(state.Tenant, lexical, v) : null;
                var built = new SearchIndex(lexical, vectors);
                holder.Current = built;
                return built;
            });
            return holder.Building;
        }
    }

    private sealed class Holder
    {
        public volatile SearchIndex? Current;
        public Task<SearchIndex> Building = Task.FromResult<SearchIndex>(null!);
    }
}
