using System.Runtime.InteropServices;

namespace MaaS.Services.Recommendations.Tenants;

/// <summary>
/// A tenant's trending counts: events per item whose timestamp falls in the trending window (the current UTC hour and
/// the <see cref="RecommendationOptions.TrendingWindowHours"/> before it), read from the store's event log, so every
/// replica counts the same events whichever took them. Each <see cref="CatchUpAsync"/> folds in only the events after
/// the place already read, up to a settled head (<see cref="IEventStore.GetFeedHeadAsync"/>), into time buckets;
/// buckets that leave the window are subtracted whole. With a retention (<c>Retention:MaxEventAge</c>) shorter than the
/// window, the window starts at the first whole minute retention keeps and the buckets are minutes, so events
/// retention deletes have left the counts by then. An erasure that removed the tenant's events (its erasure number
/// moved) makes the next catch-up count the window again from the log, which no longer holds them. Readers see an
/// immutable <see cref="Snapshot"/>, swapped after each catch-up that changed a count. Thread-safe: one catch-up at a
/// time; nobody else writes the counts.
/// </summary>
internal sealed class TrendingCounts
{
    private const int Page = StorageLimits.MaxReadLimit;
    private const long HourMs = 3_600_000, MinuteMs = 60_000;

    private readonly string _tenant;
    private readonly IEventStore _events;
    private readonly int _windowHours;
    private readonly long _retentionMs;
    private readonly long _bucketMs;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _publish = new();

    // Written under _gate only.
    private readonly Dictionary<long, Dictionary<string, int>> _buckets = [];
    private readonly Dictionary<string, int> _totals = new(StringComparer.Ordinal);
    private long _erasures = -1;
    private bool _changed;
    private EventFeedCursor _read;

    private ItemIndex? _serving;
    private volatile TrendingSnapshot _snapshot = TrendingSnapshot.Empty;

    /// <param name="tenant">The tenant counted.</param>
    /// <param name="events">The store whose log is read.</param>
    /// <param name="windowHours">Hours before the current one in the window (<see cref="RecommendationOptions.TrendingWindowHours"/>).</param>
    /// <param name="retention">The tenant's maximum event age (<c>RetentionOptions.MaxAgeOf</c>); null or not positive: kept forever.</param>
    public TrendingCounts(string tenant, IEventStore events, int windowHours, TimeSpan? retention = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowHours, 1);
        _tenant = tenant;
        _events = events;
        _windowHours = windowHours;
        // The window spans up to windowHours + 1 hours (the current one is partial): a retention at least that long
        // never deletes an event the window counts.
        long age = retention is { Ticks: > 0 } r ? (long)r.TotalMilliseconds : long.MaxValue;
        _retentionMs = age >= (windowHours + 1) * HourMs ? long.MaxValue : age;
        _bucketMs = _retentionMs == long.MaxValue ? HourMs : MinuteMs;
    }

    /// <summary>The counts as of the last catch-up, in rank order; read it once per request.</summary>
    public TrendingSnapshot Snapshot => _snapshot;

    /// <summary>Events read from the log by catch-ups so far (the follower's cost, for measurements).</summary>
    public long EventsRead => Interlocked.Read(ref _eventsRead);

    private long _eventsRead;

    /// <summary>
    /// Folds the tenant's events up to <paramref name="head"/> into the counts (all of the window's when first called
    /// or after an erasure), drops the buckets that left the window at <paramref name="now"/>, and publishes the
    /// result. Returns the head's position counted through, or the store's error (what was published stays; a recount
    /// that failed is started again by the next call).
    /// </summary>
    public async ValueTask<Result<long>> CatchUpAsync(EventFeedHead head, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long nowMs = now.ToUnixTimeMilliseconds();
            long startMs = FloorDiv(nowMs, HourMs) * HourMs - _windowHours * HourMs;
            if (_retentionMs != long.MaxValue)
            {
                // The first whole bucket retention keeps: nothing counted is older than the oldest event it keeps.
                startMs = Math.Max(startMs, -FloorDiv(_retentionMs - nowMs, _bucketMs) * _bucketMs);
            }

            long currentBucket = FloorDiv(nowMs, _bucketMs), firstBucket = startMs / _bucketMs;
            long erasures = head.ErasuresOf(_tenant);
            if (erasures != _erasures)
            {
                // The erased events cannot be read back to subtract them: count the window again.
                _buckets.Clear();
                _totals.Clear();
                _read = EventFeedCursor.Start;
                _changed = true;
            }

            Expire(firstBucket);
            var since = DateTimeOffset.FromUnixTimeMilliseconds(startMs);
            while (_read.Commit < head.Position)
            {
                var read = await _events.GetFeedAsync(_tenant, _read, head.Position, since, Page, cancellationToken).ConfigureAwait(false);
                if (!read.TryGetValue(out var page, out var error))
                {
                    return error;
                }

                foreach (var e in page.Events)
                {
                    Add(e, currentBucket, firstBucket);
                }

                Interlocked.Add(ref _eventsRead, page.Events.Count);
                _read = page.Events.Count < Page ? head.Cursor : page.Last;
            }

            _erasures = erasures;
            if (_changed)
            {
                Publish();
            }

            return head.Position;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the store's head and catches up to it (<see cref="CatchUpAsync"/>): the first count of a tenant.</summary>
    public async ValueTask<Result<long>> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var head = await _events.GetFeedHeadAsync(cancellationToken).ConfigureAwait(false);
        return head.TryGetValue(out var settled, out var error) ? await CatchUpAsync(settled, now, cancellationToken).ConfigureAwait(false) : error;
    }

    /// <summary>A new index serves: the items it knows are no longer new.</summary>
    public void Serving(ItemIndex index)
    {
        lock (_publish)
        {
            _serving = index;
            _snapshot = _snapshot with { NewItems = NewItems(_snapshot.Counts, index) };
        }
    }

    private static long FloorDiv(long value, long divisor) => Math.DivRem(value, divisor, out long rest) - (rest < 0 ? 1 : 0);

    private void Add(FeedEvent e, long currentBucket, long firstBucket)
    {
        // A timestamp ahead of the clock counts in the current bucket (and leaves the window with it).
        long bucket = Math.Min(FloorDiv(e.Timestamp.ToUnixTimeMilliseconds(), _bucketMs), currentBucket);
        if (bucket < firstBucket)
        {
            return;
        }

        if (!_buckets.TryGetValue(bucket, out var counts))
        {
            _buckets[bucket] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        CollectionsMarshal.GetValueRefOrAddDefault(counts, e.ItemId, out _)++;
        CollectionsMarshal.GetValueRefOrAddDefault(_totals, e.ItemId, out _)++;
        _changed = true;
    }

    private void Expire(long firstBucket)
    {
        List<long>? gone = null;
        foreach (var (bucket, counts) in _buckets)
        {
            if (bucket >= firstBucket)
            {
                continue;
            }

            foreach (var (item, n) in counts)
            {
                ref int total = ref CollectionsMarshal.GetValueRefOrNullRef(_totals, item);
                total -= n;
                if (total <= 0)
                {
                    _totals.Remove(item);
                }
            }

            (gone ??= []).Add(bucket);
        }

        foreach (long bucket in gone ?? [])
        {
            _buckets.Remove(bucket);
            _changed = true;
        }
    }

    private void Publish()
    {
        // Ranked lazily: a row reads the first few, so only the top is selected now (RankedCounts).
        var counts = _totals.ToArray();
        lock (_publish)
        {
            _snapshot = new TrendingSnapshot(counts, new RankedCounts(counts), NewItems(counts, _serving));
        }

        _changed = false;
    }

    private static RankedCounts NewItems(KeyValuePair<string, int>[] counts, ItemIndex? serving) =>
        new(serving is null ? counts : Array.FindAll(counts, pair => !serving.TryGetItemIndex(pair.Key, out _)));
}

/// <summary>
/// Trending counts as published: every counted item, and those the serving index does not know (new items, which
/// recommendations splice in by their counts), each most events first, ties by id (ordinal).
/// </summary>
/// <param name="Counts">Events per item in the window, in no order (shared with <paramref name="Ranked"/>; not to be changed).</param>
/// <param name="Ranked">The same in rank order.</param>
/// <param name="NewItems">The same for the items the serving index does not know.</param>
internal sealed record TrendingSnapshot(KeyValuePair<string, int>[] Counts, RankedCounts Ranked, RankedCounts NewItems)
{
    /// <summary>Most events first, then the id in ordinal order (declared before <see cref="Empty"/>, which ranks with it).</summary>
    public static readonly Comparison<KeyValuePair<string, int>> RankOrder =
        static (a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key);

    public static readonly TrendingSnapshot Empty = new([], new RankedCounts([]), new RankedCounts([]));
}
