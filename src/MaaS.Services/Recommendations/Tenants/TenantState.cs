namespace MaaS.Services.Recommendations.Tenants;

/// <summary>
/// What serving keeps in memory per tenant, and the only code that changes it: the catalogue with its content index
/// (an immutable <see cref="CatalogueSnapshot"/>, swapped whole), event counts of items new since the last build (the
/// trending fallback), whether events arrived since the last build, and the gate that lets one build run at a time.
/// The catalogue changes only by following the store's change feed (<see cref="CatchUpAsync"/>), whoever wrote:
/// this replica or another. Ingestion, catalogue writes, the feed follower, erasure and builds call its methods;
/// nobody writes its fields. No user data. Thread-safe.
/// </summary>
internal sealed class TenantState
{
    private const int FeedPage = StorageLimits.MaxReadLimit;

    private readonly ICatalogStore _catalog;
    private readonly CatalogueFeatures _features;
    private readonly IReadOnlyList<ITenantObserver> _observers;
    private readonly ConcurrentDictionary<string, int> _newItemEvents = new(StringComparer.Ordinal);
    private volatile ConcurrentDictionary<string, int> _recentEvents = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _buildGate = new(1, 1);

    // One reader of the feed at a time: two would read the same changes from the same sequence and merge them twice.
    private readonly SemaphoreSlim _feedGate = new(1, 1);

    // Serialises snapshot writers (feed pages, content rebuilds): each derives the next snapshot from the current one,
    // so a page applied while a rebuild runs is either in the rebuild's snapshot or merged after it, never lost.
    private readonly Lock _catalogueWrite = new();
    private readonly Lock _loading = new();
    private volatile CatalogueSnapshot _catalogue = CatalogueSnapshot.Empty;
    private volatile EngineJoin? _engine;
    private volatile bool _dirty;
    private long _checkedThrough;
    private Task? _load;

    public TenantState(string tenant, ICatalogStore catalog, CatalogueFeatures features, IReadOnlyList<ITenantObserver>? observers = null)
    {
        Tenant = tenant;
        _catalog = catalog;
        _features = features;
        _observers = observers ?? [];
    }

    public string Tenant { get; }

    /// <summary>The current catalogue; read it once per request for a consistent view.</summary>
    public CatalogueSnapshot Catalogue => _catalogue;

    /// <summary>Whether the first load has completed (only then does the feed follower keep it current).</summary>
    public bool IsLoaded => _catalogue.Content is not null;

    /// <summary>
    /// The feed sequence (of any tenant) up to which this tenant's changes are known to be applied: at least
    /// <see cref="CatalogueSnapshot.Sequence"/>, and the latest sequence a caught-up reader saw before it read. A
    /// follower compares it with the store's latest, so other tenants' writes cost this one no read.
    /// </summary>
    public long CheckedThrough => Math.Max(Volatile.Read(ref _checkedThrough), _catalogue.Sequence);

    /// <summary>Whether events arrived (or were erased) since the last build started.</summary>
    public bool IsDirty => _dirty;

    /// <summary>Events per item that the serving index does not know, counted since its build (a live view).</summary>
    public IEnumerable<KeyValuePair<string, int>> NewItemEvents => _newItemEvents;

    /// <summary>Events per item, any item, counted on this replica since the serving index was built (a live view):
    /// what a trending row ranks by.</summary>
    public IEnumerable<KeyValuePair<string, int>> RecentEvents => _recentEvents;

    /// <summary>Loads the catalogue from the store's change feed on first use; a failed load is retried by the next caller.</summary>
    public ValueTask EnsureLoadedAsync(CancellationToken cancellationToken) =>
        _load is { IsCompletedSuccessfully: true } ? ValueTask.CompletedTask : new ValueTask(AwaitLoadAsync(cancellationToken));

    /// <summary>
    /// Applies the store's catalogue changes after <see cref="CatalogueSnapshot.Sequence"/>, in feed order, one page
    /// (up to <see cref="StorageLimits.MaxReadLimit"/> changes, so a burst of writes is one merge) per new snapshot; the
    /// first load reads the whole feed and builds once. This is the one way the catalogue changes: the replica that
    /// took a write calls it right after the write, every replica's feed follower calls it when the feed moves, so all
    /// apply the same changes in the same order. Returns the sequence now applied, or the store's error (the snapshot
    /// then keeps what it had).
    /// </summary>
    /// <param name="latest">The store's latest sequence, read before this call (0 when not known): every change up to it
    /// has committed, so once this call has read the feed, this tenant is current through it.</param>
    /// <param name="cancellationToken">Stops waiting and reading; what was applied stays.</param>
    public async ValueTask<Result<long>> CatchUpAsync(long latest, CancellationToken cancellationToken)
    {
        await _feedGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bool first = _catalogue.Content is null;
            var pending = new List<CatalogChange>();
            long after = _catalogue.Sequence;
            while (true)
            {
                var read = await _catalog.GetChangesAsync(Tenant, after, FeedPage, cancellationToken).ConfigureAwait(false);
                if (!read.TryGetValue(out var page, out var error))
                {
                    return error;
                }

                pending.AddRange(page);
                bool more = page.Count == FeedPage;
                after = more ? page[^1].Sequence : after;
                if (first ? !more : page.Count > 0)
                {
                    Apply(CatalogueChanges.Of(pending, _features, featurise: !first));
                    pending.Clear();
                    first = false;
                }

                if (!more)
                {
                    Volatile.Write(ref _checkedThrough, Math.Max(Volatile.Read(ref _checkedThrough), latest));
                    return _catalogue.Sequence;
                }
            }
        }
        finally
        {
            _feedGate.Release();
        }
    }

    /// <summary>The content index rebuilt from the current catalogue (fresh IDF, every row refilled); returns the new snapshot.</summary>
    public CatalogueSnapshot RebuildContent()
    {
        CatalogueSnapshot next;
        lock (_catalogueWrite)
        {
            next = _catalogue.Rebuilt(_features);
            _catalogue = next;
        }

        CatalogueChanged();
        return next;
    }

    /// <summary>
    /// Merges item embeddings into the content index (see <see cref="CatalogueSnapshot.WithEmbeddings"/>). The merge
    /// runs outside the write lock, since it costs items · dimensions per changed item, and is swapped in only if the
    /// snapshot did not move meanwhile; a moved one is merged again from the new snapshot (a few tries, then the
    /// next call). Returns whether the index now holds them.
    /// </summary>
    public bool ApplyEmbeddings(Func<CatalogItem, Half[]?> vectorOf)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var snapshot = _catalogue;
            if (snapshot.WithEmbeddings(vectorOf, _features) is not { } next)
            {
                return true;
            }

            bool swapped = false;
            lock (_catalogueWrite)
            {
                if (ReferenceEquals(_catalogue, snapshot))
                {
                    _catalogue = next;
                    swapped = true;
                }
            }

            if (swapped)
            {
                CatalogueChanged();
                return true;
            }
        }

        return false;
    }

    /// <summary>A stored event batch: the next build has work, and items the serving index does not know are counted.</summary>
    public void NoteEvents(IReadOnlyList<InteractionEvent> batch, ItemIndex? serving)
    {
        _dirty = true;
        var recent = _recentEvents;
        foreach (var e in batch)
        {
            recent.AddOrUpdate(e.ItemId, 1, static (_, n) => n + 1);
            if (serving is null || !serving.TryGetItemIndex(e.ItemId, out _))
            {
                _newItemEvents.AddOrUpdate(e.ItemId, 1, static (_, n) => n + 1);
            }
        }
    }

    /// <summary>Events were erased: the next build has work.</summary>
    public void MarkDirty() => _dirty = true;

    /// <summary>Waits for the tenant's build gate (one build at a time); events from now on mark the tenant dirty again.</summary>
    public async ValueTask<BuildLease> BeginBuildAsync(CancellationToken cancellationToken)
    {
        await _buildGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        _dirty = false;
        return new BuildLease(this);
    }

    /// <summary>A new index serves: items it knows are no longer new, and recent events start again from zero (a
    /// trending row ranks what happened since the build).</summary>
    public void Serving(ItemIndex index)
    {
        _recentEvents = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        foreach (string id in _newItemEvents.Keys)
        {
            if (index.TryGetItemIndex(id, out _))
            {
                _newItemEvents.TryRemove(id, out _);
            }
        }

        foreach (var observer in _observers)
        {
            observer.IndexServing(this);
        }
    }

    /// <summary>The recommender over <paramref name="cf"/> (null: none built yet) and the catalogue's content index,
    /// joined once per pair and reused (a join is O(items)).</summary>
    public HybridRecommender Engine(ItemCfModel? cf, CatalogueSnapshot catalogue, HybridOptions options)
    {
        var cached = _engine;
        if (cached is not null && ReferenceEquals(cached.Cf, cf) && ReferenceEquals(cached.Content, catalogue.Content) && cached.Recommender.Options == options)
        {
            return cached.Recommender;
        }

        // Two requests may join the same pair at once; both results are equal and the last one is kept.
        var joined = new EngineJoin(cf, catalogue.Content, new HybridRecommender(cf?.Index, catalogue.Content, cf?.Stats.ItemEvents, options));
        _engine = joined;
        return joined.Recommender;
    }

    private async Task AwaitLoadAsync(CancellationToken cancellationToken)
    {
        Task load;
        lock (_loading)
        {
            if (_load is null || _load.IsFaulted)
            {
                // Not the caller's token: a load one caller gave up on still serves the others.
                _load = LoadAsync(CancellationToken.None);
            }

            load = _load;
        }

        await load.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var loaded = await CatchUpAsync(0, cancellationToken).ConfigureAwait(false);
        if (!loaded.IsSuccess)
        {
            throw new InvalidOperationException($"The catalogue of tenant {Tenant} could not be read: {loaded.Error.Message}");
        }
    }

    private void Apply(CatalogueChanges changes)
    {
        lock (_catalogueWrite)
        {
            _catalogue = _catalogue.Applied(changes, _features);
        }

        CatalogueChanged();
    }

    private void CatalogueChanged()
    {
        foreach (var observer in _observers)
        {
            observer.CatalogueChanged(this);
        }
    }

    /// <summary>The tenant's build gate, held until disposed.</summary>
    public sealed class BuildLease : IDisposable
    {
        private TenantState? _state;

        internal BuildLease(TenantState state) => _state = state;

        /// <summary>The build failed: the next scheduled build tries again.</summary>
        public void Failed() => _state?.MarkDirty();

        public void Dispose()
        {
            // Releasing twice would let two builds in at once.
            Interlocked.Exchange(ref _state, null)?._buildGate.Release();
        }
    }

    private sealed record EngineJoin(ItemCfModel? Cf, ContentIndex? Content, HybridRecommender Recommender);
}
