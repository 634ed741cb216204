using System.Collections.Concurrent;
using MaaS.Storage.Abstractions;

namespace MaaS.Gateway.Recommendations;

/// <summary>
/// What the gateway keeps in memory per tenant: the catalogue (for filters on items the index has not seen, metadata
/// in responses and availability windows), its content index, event counts of items new since the last build (the trending fallback),
/// and whether events arrived since the last build. No user data. Thread-safe.
/// </summary>
internal sealed partial class TenantState(string tenant)
{
    private (DateOnly Day, string[] Ids) _unavailable = (DateOnly.MinValue, []);

    public string Tenant { get; } = tenant;

    public ConcurrentDictionary<string, CatalogItem> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>Events per item that the serving index does not know, since its build.</summary>
    public ConcurrentDictionary<string, int> NewItemEvents { get; } = new(StringComparer.Ordinal);

    /// <summary>Serialises builds of this tenant.</summary>
    public SemaphoreSlim BuildGate { get; } = new(1, 1);

    /// <summary>Set by ingestion and erasure, cleared when a build starts reading.</summary>
    public volatile bool Dirty;

    /// <summary>Loaded once from the store on first use; builds refresh it.</summary>
    public Task? CatalogueLoad;

    public void SetItem(CatalogItem item)
    {
        Items[item.ItemId] = item;
        if (item.AvailableFrom is not null || item.AvailableUntil is not null)
        {
            _unavailable = (DateOnly.MinValue, []);
        }
    }

    /// <summary>Ids of catalogued items outside their availability window on <paramref name="day"/>, cached per day and catalogue change.</summary>
    public string[] UnavailableOn(DateOnly day)
    {
        var cached = _unavailable;
        if (cached.Day == day)
        {
            return cached.Ids;
        }

        var ids = new List<string>();
        foreach (var (id, item) in Items)
        {
            if (!item.IsAvailableOn(day))
            {
                ids.Add(id);
            }
        }

        _unavailable = (day, [.. ids]);
        return _unavailable.Ids;
    }

    public void InvalidateAvailability() => _unavailable = (DateOnly.MinValue, []);
}

/// <summary>Every tenant's <see cref="TenantState"/>, created on first use with its catalogue loaded from the store.</summary>
internal sealed class TenantStates(ICatalogStore catalog, CatalogueFeatures features)
{
    private readonly ConcurrentDictionary<string, TenantState> _states = new(StringComparer.Ordinal);
    private readonly Lock _loading = new();

    public ICollection<TenantState> All => _states.Values;

    /// <summary>The tenant's state once its catalogue is in memory.</summary>
    public ValueTask<TenantState> GetAsync(string tenant, CancellationToken cancellationToken)
    {
        var state = _states.GetOrAdd(tenant, static t => new TenantState(t));
        var load = state.CatalogueLoad;
        if (load is { IsCompletedSuccessfully: true })
        {
            return ValueTask.FromResult(state);
        }

        return AwaitLoadAsync(state, cancellationToken);
    }

    private async ValueTask<TenantState> AwaitLoadAsync(TenantState state, CancellationToken cancellationToken)
    {
        Task load;
        lock (_loading)
        {
            if (state.CatalogueLoad is null || state.CatalogueLoad.IsFaulted)
            {
                state.CatalogueLoad = ReloadCatalogueAsync(state, CancellationToken.None);
            }

            load = state.CatalogueLoad;
        }

        await load.WaitAsync(cancellationToken).ConfigureAwait(false);
        return state;
    }

    /// <summary>Reads the whole catalogue into the state (adds and replaces; items are never deleted from a catalogue).</summary>
    public async Task ReloadCatalogueAsync(TenantState state, CancellationToken cancellationToken)
    {
        await foreach (var item in catalog.StreamAllAsync(state.Tenant, 1_000, cancellationToken).ConfigureAwait(false))
        {
            state.Items[item.ItemId] = item;
        }

        state.InvalidateAvailability();
        state.RebuildContent(features);
    }
}
