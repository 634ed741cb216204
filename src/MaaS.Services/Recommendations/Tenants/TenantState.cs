namespace MaaS.Services.Recommendations.Tenants;

/// <summary>
/// What serving keeps in memory per tenant, and the only code that changes it: the catalogue with its content index
/// (an immutable <see cref="CatalogueSnapshot"/>, swapped whole), the trending counts (<see cref="TrendingCounts"/>,
/// read from the store's event log), whether events arrived since the last build, and the gate that lets one build run
/// at a time. The catalogue changes only by following the store's change feed (<see cref="CatchUpAsync"/>), whoever
/// wrote: this replica or another; so do the trending counts, from the event log. Ingestion, catalogue writes, the
/// followers, erasure and builds call its methods; nobody writes its fields. No user data. Thread-safe.
/// </summary>
internal sealed class TenantState
{
    private const int FeedPage = StorageLimits.MaxReadLimit;

    private readonly ICatalogStore _catalog;
    private readonly CatalogueFeatures _features;
    private readonly IReadOnlyList<ITenantObserver> _observers;
    private readonly TimeProvider _time;
    private readonly Action? _eventsNoted;
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

    /// <param name="tenant">The tenant.</param>
    /// <param name="catalog">Where the catalogue's change feed is read.</param>
    /// <param name="features">How items are featurised for the content index.</param>
    /// <param name="trending">The tenant's trending counts, loaded with the catalogue and then kept by a follower.</param>
    /// <param name="time">The clock of the trending window.</param>
    /// <param name="eventsNoted">Called when this replica stored events (wakes the trending follower); may be null.</param>
    /// <param name="observers">Told of every catalogue snapshot swapped in and every index that starts serving; may be null.</param>
    public TenantState(
        string tenant, ICatalogStore catalog, CatalogueFeatures features, TrendingCounts trending, TimeProvider time,
        Action? eventsNoted = null, IReadOnlyList<ITenantObserver>? observers = null)
    {
        Tenant = tenant;
        _catalog = catalog;
        _features = features;
        Trending = trending;
        _time = time;
        _eventsNoted = eventsNoted;
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

    /// <summary>The tenant's trending counts, the same on every replica.</summary>
    public TrendingCounts Trending { get; }

    /// <summary>Events per item in the trending window of the items the serving index does not know, most first
    /// (<see cref="TrendingSnapshot.NewItems"/>): what recommendations splice in as trending.</summary>
    public IEnumerable<KeyValuePair<string, int>> NewItemEvents => Trending.Snapshot.NewItems;

    /// <summary>Events per item, any item, in the trending window, most first (<see cref="TrendingSnapshot.Ranked"/>):
    /// what a trending row ranks by.</summary>
    public IEnumerable<KeyValuePair<string, int>> RecentEvents => Trending.Snapshot.Ranked;

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

    /// <summary>This replica stored events: the next build has work, and the trending follower reads them now rather
    /// than at its next poll (the counts come from the store, as every replica's do).</summary>
    public void NoteEvents()
    {
        _dirty = true;
        _eventsNoted?.Invoke();
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

    /// <summary>A new index serves: items it knows are no longer new, and the observers are told.</summary>
    public void Serving(ItemIndex index)
    {
        Trending.Serving(index);
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

        // Before the first answer, so a replica that has just started trends what the others do.
        var counted = await Trending.LoadAsync(_time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (!counted.IsSuccess)
        {
            throw new InvalidOperationException($"The trending counts of tenant {Tenant} could not be read: {counted.Error.Message}");
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
