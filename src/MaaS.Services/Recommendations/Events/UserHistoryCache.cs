namespace MaaS.Services.Recommendations.Events;

/// <summary>
/// A user's aggregated history (distinct items, summed weights, and what the user consumed before the scoring window)
/// in front of the event store, for the recommend hot path. This process's ingestion and erasure invalidate a user's
/// entry after the store commits and before the client is answered; the store's <see cref="IUserChangeFeed"/> reports
/// the other replicas' commits (PostgreSQL: LISTEN/NOTIFY), and while it cannot (its connection is down) nothing is
/// served from or kept in memory. A read racing an invalidation never caches its (older) result: entries are replaced
/// by compare-exchange against the entry seen before the read, and a reset (reconnect, overflow) bumps an epoch that
/// reads started earlier cannot match. A report leaves a drop (an empty entry) even for a user not cached, for a read
/// in flight; a full cache sweeps the drops and expired entries before it clears its live ones. <see cref="RecommendationOptions.HistoryCacheSeconds"/> bounds how long events
/// written by a process outside the feed (an import into SQLite) go unseen. Thread-safe.
/// </summary>
internal sealed class UserHistoryCache
{
    private readonly ConcurrentDictionary<(string Tenant, string User), Entry> _entries = new();
    private readonly IEventStore _events;
    private readonly IUserChangeFeed _feed;
    private readonly EventWeights _weights;
    private readonly TimeProvider _time;
    private readonly long _ttlTicks;
    private readonly int _limit;
    private readonly int _maxEntries;
    private long _epoch;

    // Odd while a sweep runs, bumped at its start and its end: a read that found no entry may add one only if no sweep
    // ran meanwhile, since a sweep may have removed the drop a report left for the read's key.
    private long _sweeps;
    private int _sweeping;

    public UserHistoryCache(IEventStore events, IOptions<RecommendationOptions> options, EventWeights weights, TimeProvider time)
    {
        _events = events;
        _feed = events.UserChanges;
        _weights = weights;
        _time = time;
        var o = options.Value;
        Enabled = o.HistoryCacheSeconds > 0;
        _ttlTicks = TimeSpan.FromSeconds(o.HistoryCacheSeconds).Ticks;
        _limit = o.HistoryLimit;
        _maxEntries = o.HistoryCacheEntries;
        if (Enabled)
        {
            _feed.Subscribe(OnChanged);
        }
    }

    public bool Enabled { get; }

    /// <summary>
    /// The user's recent history (at most <see cref="RecommendationOptions.HistoryLimit"/> events) aggregated per item,
    /// with every item consumed before it. A window that is not full holds all of the user's events, so only a user
    /// with more events than the limit costs a second read: the store's distinct items, not the events.
    /// </summary>
    public ValueTask<Result<UserHistory>> GetAsync(string tenant, string userId, CancellationToken cancellationToken) =>
        GetAsync(tenant, userId, null, cancellationToken);

    /// <summary>
    /// As <see cref="GetAsync(string, string, CancellationToken)"/>, at least as fresh as the commit that
    /// <paramref name="sessionToken"/> names (read-your-writes across replicas): the cached entry answers only once
    /// the feed has reported that commit (so the entry is newer, or was dropped by the report); until then the store
    /// does, as a Cosmos DB replica behind a session token defers to one that has it. No wait, no extra round trip
    /// in the common case, where the report came before the request.
    /// </summary>
    public async ValueTask<Result<UserHistory>> GetAsync(string tenant, string userId, string? sessionToken, CancellationToken cancellationToken)
    {
        bool caching = Enabled && _feed.IsLive;
        var key = caching ? (tenant, _feed.KeyOf(tenant, userId)) : default;
        long now = _time.GetUtcNow().UtcTicks;
        long epoch = Volatile.Read(ref _epoch);
        long sweeps = Volatile.Read(ref _sweeps);

        // The token first, the entry second: the feed drops the user's entry before it marks the token applied, so an
        // entry read after the token is known applied is that drop or newer. Read the other way round, a report landing
        // between the two reads would let the entry from before the commit answer as if it held the commit.
        bool reported = sessionToken is null || _feed.HasApplied(sessionToken);
        Entry? seen = null;
        if (caching && _entries.TryGetValue(key, out seen) && reported && seen.History is { } cached && seen.ExpiresTicks > now && seen.Epoch == epoch)
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
        if (caching)
        {
            if (_entries.Count >= _maxEntries)
            {
                // Full: the drops and expired entries go first (every report leaves a drop, so a replica's cache fills
                // with the other replicas' users); only a cache still nine-tenths full of live entries is cleared
                // whole, the epoch keeping reads started before the clear from caching what it dropped.
                Sweep(now);
                if (_entries.Count >= _maxEntries * 9L / 10)
                {
                    Reset();
                }

                return history;
            }

            var fresh = new Entry(history, now + _ttlTicks, epoch);
            _ = seen is null ? _entries.TryAdd(key, fresh) : _entries.TryUpdate(key, fresh, seen);
            bool swept = (sweeps & 1) == 1 || sweeps != Volatile.Read(ref _sweeps);
            if (Volatile.Read(ref _epoch) != epoch || (seen is null && swept) || !_feed.IsLive)
            {
                // A reset, a sweep (which may have removed a drop made for this key during the read) or the feed's
                // loss between the read and the add: what was added may predate a change.
                _entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, fresh));
            }
        }

        return history;
    }

    /// <summary>Forgets the user's entry; call after the store committed a change of the user's events.</summary>
    public void Invalidate(string tenant, string userId)
    {
        if (Enabled)
        {
            _entries[(tenant, _feed.KeyOf(tenant, userId))] = Entry.Tombstone();
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

    private void OnChanged(string? tenant, string? userKey)
    {
        if (tenant is null)
        {
            Reset();
        }
        else if (userKey is null)
        {
            InvalidateTenant(tenant);
        }
        else
        {
            _entries[(tenant, userKey)] = Entry.Tombstone();
        }
    }

    /// <summary>Removes the drops and the expired entries; one sweep at a time (a second caller returns at once).</summary>
    private void Sweep(long now)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        Interlocked.Increment(ref _sweeps);
        try
        {
            foreach (var pair in _entries)
            {
                if (pair.Value.History is null || pair.Value.ExpiresTicks <= now)
                {
                    // Only that very entry: one a read or a report put there meanwhile stays.
                    _entries.TryRemove(pair);
                }
            }
        }
        finally
        {
            Interlocked.Increment(ref _sweeps);
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private void Reset()
    {
        Interlocked.Increment(ref _epoch);
        _entries.Clear();
    }

    /// <summary>A class, not a record: TryUpdate compares entries by reference.</summary>
    private sealed class Entry(UserHistory? history, long expiresTicks, long epoch)
    {
        public UserHistory? History { get; } = history;

        public long ExpiresTicks { get; } = expiresTicks;

        public long Epoch { get; } = epoch;

        public static Entry Tombstone() => new(null, 0, -1);
    }
}
