namespace MaaS.Services.Search.Suggest;

/// <summary>
/// Each tenant's current <see cref="SuggestView"/>. The first call of a tenant builds its title index; afterwards a
/// call whose catalogue snapshot moved (a write on this replica, or the change feed applying another replica's) gets a
/// view of the new snapshot over the same base (<see cref="SuggestView.Over"/>, computed once per snapshot), and the
/// base is rebuilt in the background once the changes pass <see cref="RebuildAfterChanges"/> or a new recommendation
/// index brings new popularity, then swapped in whole. One build per tenant at a time. Thread-safe.
/// </summary>
internal sealed class SuggestIndexes(RecommendationModels models)
{
    /// <summary>Changed titles past which the base is rebuilt (or a sixty-fourth of it, if more).</summary>
    public const int RebuildAfterChanges = 256;

    private readonly ConcurrentDictionary<string, Holder> _tenants = new(StringComparer.Ordinal);

    /// <summary>The view of <paramref name="state"/>'s current catalogue.</summary>
    public async ValueTask<SuggestView> GetAsync(TenantState state)
    {
        var holder = _tenants.GetOrAdd(state.Tenant, static _ => new Holder());
        var snapshot = state.Catalogue;
        var view = holder.View ?? await Rebuild(state, holder).ConfigureAwait(false);
        if (!ReferenceEquals(view.Snapshot, snapshot))
        {
            lock (holder.Gate)
            {
                view = holder.View!;
                if (!ReferenceEquals(view.Snapshot, snapshot))
                {
                    using var lease = Lease(state.Tenant);
                    view = view.Over(snapshot, Popularity(lease));
                    holder.View = view;
                }
            }
        }

        if (view.Changes > Math.Max(RebuildAfterChanges, view.Base.Count / 64) || view.PopularityVersion != CurrentVersion(state.Tenant))
        {
            _ = Rebuild(state, holder);
        }

        return view;
    }

    private long? CurrentVersion(string tenant)
    {
        using var lease = Lease(tenant);
        return lease?.Version;
    }

    private ModelLease? Lease(string tenant)
    {
        var leased = models.Acquire(tenant);
        return leased.IsSuccess ? leased.Value : null;
    }

    /// <summary>The serving recommendation index's decayed popularity (<see cref="ItemIndex.PopularityOf"/>); null without one.</summary>
    private static Func<string, float>? Popularity(ModelLease? lease) =>
        lease?.Model is ItemCfModel model ? model.Index.PopularityOf : null;

    private Task<SuggestView> Rebuild(TenantState state, Holder holder)
    {
        lock (holder.Gate)
        {
            if (!holder.Building.IsCompleted)
            {
                return holder.Building;
            }

            holder.Building = Task.Run(() =>
            {
                using var lease = Lease(state.Tenant);
                var built = SuggestView.Built(state.Catalogue, Popularity(lease), lease?.Version);
                lock (holder.Gate)
                {
                    holder.View = built;
                }

                return built;
            });
            return holder.Building;
        }
    }

    private sealed class Holder
    {
        public readonly Lock Gate = new();
        public volatile SuggestView? View;
        public Task<SuggestView> Building = Task.FromResult<SuggestView>(null!);
    }
}
