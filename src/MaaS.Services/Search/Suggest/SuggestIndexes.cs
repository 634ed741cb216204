namespace MaaS.Services.Search.Suggest;

/// <summary>
/// Each tenant's current <see cref="SuggestView"/>, kept current by its writers so that a suggest call only reads it
/// (a volatile field: no lock, no lease, no comparison with the catalogue). The first call of a tenant waits for its
/// title index to be built; afterwards <see cref="TenantState"/> tells this class of every new catalogue snapshot
/// (<see cref="ITenantObserver.CatalogueChanged"/>: a write on this replica, before its answer, or the change feed
/// applying another replica's), and the view of the new snapshot over the same base (<see cref="SuggestView.Over"/>)
/// is computed then, by the writer; once the changes pass <see cref="RebuildAfterChanges"/>, or a new recommendation
/// index brings new popularity (<see cref="ITenantObserver.IndexServing"/>), the base is rebuilt in the background and
/// swapped in whole while calls read the previous view. One build per tenant at a time. <see cref="Refresh"/>, the
/// feed follower's poll, catches what no writer told (an index loaded at start, a version pinned). Thread-safe.
/// </summary>
internal sealed class SuggestIndexes(RecommendationModels models) : ITenantObserver
{
    /// <summary>Changed titles past which the base is rebuilt (or a sixty-fourth of it, if more).</summary>
    public const int RebuildAfterChanges = 256;

    private readonly ConcurrentDictionary<string, Holder> _tenants = new(StringComparer.Ordinal);

    /// <summary>How a base is built: <see cref="SuggestView.Built"/>, or a test's that holds the build to show what reads meanwhile.</summary>
    internal Func<CatalogueSnapshot, Func<string, float>?, long?, SuggestView> BuildView { get; init; } = SuggestView.Built;

    /// <summary>
    /// The tenant's current view: what the last write or build left, never stale beyond a write still being applied.
    /// Only the tenant's first call awaits (the first build).
    /// </summary>
    public ValueTask<SuggestView> GetAsync(TenantState state)
    {
        var holder = _tenants.GetOrAdd(state.Tenant, static _ => new Holder());
        return holder.View is { } view ? ValueTask.FromResult(view) : new ValueTask<SuggestView>(Rebuild(state, holder));
    }

    /// <summary>Brings a tenant's view to its new snapshot, on the writer's thread (see the class).</summary>
    public void CatalogueChanged(TenantState state)
    {
        if (_tenants.TryGetValue(state.Tenant, out var holder))
        {
            Follow(state, holder);
        }
    }

    /// <summary>Rebuilds a tenant's base with the new index's popularity, in the background.</summary>
    public void IndexServing(TenantState state)
    {
        if (_tenants.TryGetValue(state.Tenant, out var holder) && holder.View is not null)
        {
            _ = Rebuild(state, holder, stale: true);
        }
    }

    /// <summary>
    /// The poll of a follower: a view behind its snapshot (none should be) is brought to it, and one whose popularity is
    /// not the serving index's version is rebuilt in the background. Off any request: it takes a model lease.
    /// </summary>
    public void Refresh(TenantState state)
    {
        if (!_tenants.TryGetValue(state.Tenant, out var holder) || holder.View is not { } view)
        {
            return;
        }

        if (!ReferenceEquals(view.Snapshot, state.Catalogue))
        {
            Follow(state, holder);
        }

        using var lease = Lease(state.Tenant);
        if (view.PopularityVersion != lease?.Version)
        {
            _ = Rebuild(state, holder, stale: true);
        }
    }

    /// <summary>Sets the view of the current snapshot over the current base. Under the tenant's gate, which only writers
    /// and builds take: a build that ends meanwhile is followed too, so no snapshot is left without its view.</summary>
    private void Follow(TenantState state, Holder holder)
    {
        SuggestView view;
        lock (holder.Gate)
        {
            if (holder.View is not { } current || ReferenceEquals(current.Snapshot, state.Catalogue))
            {
                // No view yet: the first build follows the snapshot when it ends.
                return;
            }

            view = current.Over(state.Catalogue);
            holder.View = view;
        }

        if (view.Changes > Math.Max(RebuildAfterChanges, view.Base.Count / 64))
        {
            _ = Rebuild(state, holder);
        }
    }

    private ModelLease? Lease(string tenant)
    {
        var leased = models.Acquire(tenant);
        return leased.IsSuccess ? leased.Value : null;
    }

    /// <summary>The serving recommendation index's decayed popularity (<see cref="ItemIndex.PopularityOf"/>); null without one.</summary>
    private static Func<string, float>? Popularity(ModelLease? lease) =>
        lease?.Model is ItemCfModel model ? model.Index.PopularityOf : null;

    /// <summary>Starts the tenant's build unless one runs; <paramref name="stale"/>: what made the call (a new index) may
    /// be newer than what the running build read, so that build is followed by another.</summary>
    private Task<SuggestView> Rebuild(TenantState state, Holder holder, bool stale = false)
    {
        lock (holder.Gate)
        {
            if (!holder.Building.IsCompleted)
            {
                holder.Again |= stale;
                return holder.Building;
            }

            holder.Building = Task.Run(() => Build(state, holder));
            return holder.Building;
        }
    }

    private SuggestView Build(TenantState state, Holder holder)
    {
        while (true)
        {
            SuggestView built;
            using (var lease = Lease(state.Tenant))
            {
                built = BuildView(state.Catalogue, Popularity(lease), lease?.Version);
            }

            lock (holder.Gate)
            {
                // A snapshot applied during the build was not followed (its writer found the previous view): follow it here.
                var view = ReferenceEquals(built.Snapshot, state.Catalogue) ? built : built.Over(state.Catalogue);
                holder.View = view;
                if (!holder.Again)
                {
                    // Completed under the gate, so a Rebuild after this point starts a new build rather than joining this one.
                    holder.Building = Task.FromResult(view);
                    return view;
                }

                holder.Again = false;
            }
        }
    }

    private sealed class Holder
    {
        public readonly Lock Gate = new();
        public volatile SuggestView? View;
        public Task<SuggestView> Building = Task.FromResult<SuggestView>(null!);
        public bool Again;
    }
}
