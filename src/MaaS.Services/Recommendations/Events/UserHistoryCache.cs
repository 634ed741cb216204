using System.Collections.Concurrent;
using MaaS.Storage.Hosting;

namespace MaaS.Services.Recommendations.Events;

/// <summary>
/// A user's aggregated history (distinct items, summed weights, and what the user consumed before the scoring window)
/// in front of the event store, for the recommend hot path. Only with SQLite, where this process is the store's writer: ingestion and erasure invalidate a user's entry
/// after the store commits and before the client is answered, so the next request reads the store again and sees the
/// new event. A read racing an invalidation never caches its (older) result: entries are replaced by compare-exchange
/// against the entry seen before the read. <see cref="RecommendationOptions.HistoryCacheSeconds"/> bounds how long
/// another writer's events (an import) can go unseen. With PostgreSQL (several replicas write) it is off and every
/// request reads the store. Thread-safe.
/// </summary>
internal sealed class UserHistoryCache
{
    private readonly ConcurrentDictionary<(string Tenant, string User), Entry> _entries = new();
    private readonly IEventStore _events;
    private readonly EventWeights _weights;
    private readonly TimeProvider _time;
    private readonly long _ttlTicks;
    private readonly int _limit;
    private readonly int _maxEntries;

    public UserHistoryCache(IEventStore events, IOptions<StorageOptions> storage, IOptions<RecommendationOptions> options, EventWeights weights, TimeProvider time)
    {
        _events = events;
        _weights = weights;
        _time = time;
        var o = options.Value;
        Enabled = storage.Value.Provider == StorageProvider.Sqlite && o.HistoryCacheSeconds > 0;
        _ttlTicks = TimeSpan.FromSeconds(o.HistoryCacheSeconds).Ticks;
        _limit = o.HistoryLimit;
        _maxEntries = o.HistoryCacheEntries;
    }

    public bool Enabled { get; }

    /// <summary>
    /// The user's recent history (at most <see cref="RecommendationOptions.HistoryLimit"/> events) aggregated per item,
    /// with every item consumed before it. A window that is not full holds all of the user's events, so only a user
    /// with more events than the limit costs a second read: the store's distinct items, not the events.
    /// </summary>
    public async ValueTask<Result<UserHistory>> GetAsync(string tenant, string userId, CancellationToken cancellationToken)
    {
        var key = (tenant, userId);
        long now = _time.GetUtcNow().UtcTicks;
        Entry? seen = null;
        if (Enabled && _entries.TryGetValue(key, out seen) && seen.History is { } cached && seen.ExpiresTicks > now)
        {
            return cached;
        }

        var read = await _events.GetUserHistoryAsync(tenant, userId, _limit, cancellationToken).ConfigureAwait(false);
        if (!read.TryGetValue(out var list, out var error))
        {
            return error;
        }

        IReadOnlyList<string>? consumed = null;
        if (list.Count >= _limit)
        {
            var items = await _events.GetUserItemsAsync(tenant, userId, cancellationToken).ConfigureAwait(false);
            if (!items.TryGetValue(out consumed, out error))
            {
                return error;
            }
        }

        var history = UserHistory.Aggregate(list, _weights, consumed);
        if (Enabled)
        {
            if (_entries.Count >= _maxEntries)
            {
                // Crude but bounded: tombstones go too, so an in-flight read may cache a stale answer for one TTL.
                _entries.Clear();
            }

            var fresh = new Entry(history, now + _ttlTicks);
            _ = seen is null ? _entries.TryAdd(key, fresh) : _entries.TryUpdate(key, fresh, seen);
        }

        return history;
    }

    /// <summary>Forgets the user's entry; call after the store committed a change of the user's events.</summary>
    public void Invalidate(string tenant, string userId)
    {
        if (Enabled)
        {
            _entries[(tenant, userId)] = Entry.Tombstone();
        }
    }

    /// <summary>Forgets every entry of the tenant; call after the store deleted events of many users (retention).</summary>
    public void InvalidateTenant(string tenant)
    {
        if (!Enabled)
        {
            return;
        }
        foreach (var key in _entries.Keys)
        {
            if (key.Tenant == tenant)
            {
                _entries[key] = Entry.Tombstone();
            }
        }
    }

    /// <summary>A class, not a record: TryUpdate compares entries by reference.</summary>
    private sealed class Entry(UserHistory? history, long expiresTicks)
    {
        public UserHistory? History { get; } = history;

        public long ExpiresTicks { get; } = expiresTicks;

        public static Entry Tombstone() => new(null, 0);
    }
}
