using System.Collections.Concurrent;
using MaaS.Recommendations;
using MaaS.Recommendations.Content;
using MaaS.Recommendations.Hybrid;
using MaaS.Services.Recommendations.Catalogue;
using MaaS.Services.Recommendations.Index;
using MaaS.Storage.Abstractions;

namespace MaaS.Services.Recommendations.Tenants;

/// <summary>
/// What serving keeps in memory per tenant, and the only code that changes it: the catalogue with its content index
/// (an immutable <see cref="CatalogueSnapshot"/>, swapped whole), event counts of items new since the last build (the
/// trending fallback), whether events arrived since the last build, and the gate that lets one build run at a time.
/// Ingestion, catalogue upserts, erasure and builds call its methods; nobody writes its fields. No user data.
/// Thread-safe.
/// </summary>
internal sealed class TenantState
{
    private readonly ICatalogStore _catalog;
    private readonly CatalogueFeatures _features;
    private readonly ConcurrentDictionary<string, int> _newItemEvents = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _buildGate = new(1, 1);

    // Serialises catalogue writers (upserts, refreshes): each derives the next snapshot from the current one, so an
    // upsert racing a refresh is either in the refresh's snapshot or merged after it, never lost.
    private readonly Lock _catalogueWrite = new();
    private readonly Lock _loading = new();
    private volatile CatalogueSnapshot _catalogue = CatalogueSnapshot.Empty;
    private volatile EngineJoin? _engine;
    private volatile bool _dirty;
    private Task? _load;

    public TenantState(string tenant, ICatalogStore catalog, CatalogueFeatures features)
    {
        Tenant = tenant;
        _catalog = catalog;
        _features = features;
    }

    public string Tenant { get; }

    /// <summary>The current catalogue; read it once per request for a consistent view.</summary>
    public CatalogueSnapshot Catalogue => _catalogue;

    /// <summary>Whether events arrived (or were erased) since the last build started.</summary>
    public bool IsDirty => _dirty;

    /// <summary>Events per item that the serving index does not know, counted since its build (a live view).</summary>
    public IEnumerable<KeyValuePair<string, int>> NewItemEvents => _newItemEvents;

    /// <summary>Loads the catalogue from the store on first use; a failed load is retried by the next caller.</summary>
    public ValueTask EnsureLoadedAsync(CancellationToken cancellationToken) =>
        _load is { IsCompletedSuccessfully: true } ? ValueTask.CompletedTask : new ValueTask(AwaitLoadAsync(cancellationToken));

    /// <summary>Items the store has just committed: merged into the catalogue and its content index, so they are
    /// recommendable at once, before any CF build.</summary>
    public void Upsert(IReadOnlyList<CatalogItem> items)
    {
        var featurised = items.Select(_features.Of).ToList();
        lock (_catalogueWrite)
        {
            _catalogue = _catalogue.Upserted(items, featurised, _features);
        }
    }

    /// <summary>The whole catalogue as read from the store, merged in (items are never deleted from a catalogue), with
    /// the content index rebuilt from scratch; returns the new snapshot.</summary>
    public CatalogueSnapshot Refresh(IEnumerable<CatalogItem> items)
    {
        lock (_catalogueWrite)
        {
            var next = _catalogue.Rebuilt(items, _features);
            _catalogue = next;
            return next;
        }
    }

    /// <summary>A stored event batch: the next build has work, and items the serving index does not know are counted.</summary>
    public void NoteEvents(IReadOnlyList<InteractionEvent> batch, ItemIndex? serving)
    {
        _dirty = true;
        foreach (var e in batch)
        {
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

    /// <summary>A new index serves: items it knows are no longer new.</summary>
    public void Serving(ItemIndex index)
    {
        foreach (string id in _newItemEvents.Keys)
        {
            if (index.TryGetItemIndex(id, out _))
            {
                _newItemEvents.TryRemove(id, out _);
            }
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
        var items = new List<CatalogItem>();
        await foreach (var item in _catalog.StreamAllAsync(Tenant, 1_000, cancellationToken).ConfigureAwait(false))
        {
            items.Add(item);
        }

        Refresh(items);
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
