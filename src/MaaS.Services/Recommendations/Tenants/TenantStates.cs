namespace MaaS.Services.Recommendations.Tenants;

/// <summary>
/// Every tenant's <see cref="TenantState"/>, created on first use with its catalogue loaded from the store, each telling
/// the registered <see cref="ITenantObserver"/>s of its changes. Thread-safe.
/// </summary>
internal sealed class TenantStates(ICatalogStore catalog, CatalogueFeatures features, IEnumerable<ITenantObserver> observers)
{
    private readonly ConcurrentDictionary<string, TenantState> _states = new(StringComparer.Ordinal);
    private readonly ITenantObserver[] _observers = [.. observers];

    public ICollection<TenantState> All => _states.Values;

    /// <summary>The tenant's state once its catalogue is in memory.</summary>
    public ValueTask<TenantState> GetAsync(string tenant, CancellationToken cancellationToken)
    {
        var state = _states.GetOrAdd(tenant, static (t, owner) => new TenantState(t, owner.catalog, owner.features, owner._observers), (catalog, features, _observers));
        var load = state.EnsureLoadedAsync(cancellationToken);
        return load.IsCompletedSuccessfully ? ValueTask.FromResult(state) : AwaitAsync(state, load);
    }

    private static async ValueTask<TenantState> AwaitAsync(TenantState state, ValueTask load)
    {
        await load.ConfigureAwait(false);
        return state;
    }
}
