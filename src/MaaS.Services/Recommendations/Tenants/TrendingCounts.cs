using System.Runtime.InteropServices;

namespace MaaS.Services.Recommendations.Tenants;

/// <summary>
/// A tenant's trending counts: events per item whose timestamp falls in the trending window (the current UTC hour and
/// the <see cref="RecommendationOptions.TrendingWindowHours"/> before it), read from the store's event log, so every
/// replica counts the same events whichever took them. Each <see cref="CatchUpAsync"/> folds in only the events after
/// the sequence already read, up to a settled head (<see cref="IEventStore.GetFeedHeadAsync"/>), into hour buckets;
/// hours that leave the window are subtracted whole. An erasure that removed the tenant's events (its erasure number
/// moved) makes the next catch-up count the window again from the log, which no longer holds them. Readers see an
/// immutable <see cref="Snapshot"/>, swapped after each catch-up that changed a count. Thread-safe: one catch-up at a
/// time; nobody else writes the counts.
/// </summary>
internal sealed class TrendingCounts
{
    private const int Page = StorageLimits.MaxReadLimit;
    private const long HourMs = 3_600_000;

    private readonly string _tenant;
    private readonly IEventStore _events;
    private readonly int _windowHours;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _publish = new();

    // Written under _gate only.
    private readonly Dictionary<long, Dictionary<string, int>> _hours = [];
    private readonly Dictionary<string, int> _totals = new(StringComparer.Ordinal);
    private long _erasures = -1;
    private bool _changed;

    private long _through;
    private ItemIndex? _serving;
    private volatile TrendingSnapshot _snapshot = TrendingSnapshot.Empty;

    public TrendingCounts(string tenant, IEventStore events, int windowHours)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowHours, 1);
        _tenant = tenant;
        _events = events;
        _windowHours = windowHours;
    }

    /// <summary>The counts as of the last catch-up, in rank order; read it once per request.</summary>
    public TrendingSnapshot Snapshot => _snapshot;

    /// <summary>The log sequence (of any tenant) through which this tenant's events are counted.</summary>
    public long Through => Interlocked.Read(ref _through);

    /// <summary>Events read from the log by catch-ups so far (the follower's cost, for measurements).</summary>
    public long EventsRead => Interlocked.Read(ref _eventsRead);

    private long _eventsRead;

    /// <summary>
    /// Folds the tenant's events up to <paramref name="head"/> into the counts (all of the window's when first called
    /// or after an erasure), drops the hours that left the window at <paramref name="now"/>, and publishes the result.
    /// Returns the sequence counted through, or the store's error (what was published stays; a recount that failed is
    /// started again by the next call).
    /// </summary>
    public async ValueTask<Result<long>> CatchUpAsync(EventFeedHead head, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long currentHour = Math.DivRem(now.ToUnixTimeMilliseconds(), HourMs, out long rest) - (rest < 0 ? 1 : 0);
            long firstHour = currentHour - _windowHours;
            long erasures = head.ErasuresOf(_tenant);
            if (erasures != _erasures)
            {
                // The erased events cannot be read back to subtract them: count the window again.
                _hours.Clear();
                _totals.Clear();
                Interlocked.Exchange(ref _through, 0);
                _changed = true;
            }

            Expire(firstHour);
            var since = DateTimeOffset.FromUnixTimeMilliseconds(firstHour * HourMs);
            long after = Through;
            while (after < head.Sequence)
            {
                var read = await _events.GetFeedAsync(_tenant, after, head.Sequence, since, Page, cancellationToken).ConfigureAwait(false);
                if (!read.TryGetValue(out var page, out var error))
                {
                    return error;
                }

                foreach (var e in page.Events)
                {
                    Add(e, currentHour, firstHour);
                }

                Interlocked.Add(ref _eventsRead, page.Events.Count);
                after = page.Events.Count < Page ? head.Sequence : page.Last;
                Interlocked.Exchange(ref _through, after);
            }

            _erasures = erasures;
            if (_changed)
            {
                Publish();
            }

            return after;
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
            _snapshot = new TrendingSnapshot(_snapshot.Ranked, NewItems(_snapshot.Ranked, index));
        }
    }

    private void Add(InteractionEvent e, long currentHour, long firstHour)
    {
        // A timestamp ahead of the clock counts in the current hour (and leaves the window with it).
        long hour = Math.Min(Math.DivRem(e.Timestamp.ToUnixTimeMilliseconds(), HourMs, out long rest) - (rest < 0 ? 1 : 0), currentHour);
        if (hour < firstHour)
        {
            return;
        }

        if (!_hours.TryGetValue(hour, out var counts))
        {
            _hours[hour] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        CollectionsMarshal.GetValueRefOrAddDefault(counts, e.ItemId, out _)++;
        CollectionsMarshal.GetValueRefOrAddDefault(_totals, e.ItemId, out _)++;
        _changed = true;
    }

    private void Expire(long firstHour)
    {
        List<long>? gone = null;
        foreach (var (hour, counts) in _hours)
        {
            if (hour >= firstHour)
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

            (gone ??= []).Add(hour);
        }

        foreach (long hour in gone ?? [])
        {
            _hours.Remove(hour);
            _changed = true;
        }
    }

    private void Publish()
    {
        var ranked = _totals.ToArray();
        Array.Sort(ranked, TrendingSnapshot.RankOrder);
        lock (_publish)
        {
            _snapshot = new TrendingSnapshot(ranked, NewItems(ranked, _serving));
        }

        _changed = false;
    }

    private static KeyValuePair<string, int>[] NewItems(KeyValuePair<string, int>[] ranked, ItemIndex? serving) =>
        serving is null ? ranked : Array.FindAll(ranked, pair => !serving.TryGetItemIndex(pair.Key, out _));
}

/// <summary>
/// Trending counts as published: every counted item, and those the serving index does not know (new items, which
/// recommendations splice in by their counts), each most events first, ties by id (ordinal).
/// </summary>
/// <param name="Ranked">Events per item in the window, in rank order.</param>
/// <param name="NewItems">The same for the items the serving index does not know.</param>
internal sealed record TrendingSnapshot(KeyValuePair<string, int>[] Ranked, KeyValuePair<string, int>[] NewItems)
{
    public static readonly TrendingSnapshot Empty = new([], []);

    /// <summary>Most events first, then the id in ordinal order.</summary>
    public static readonly Comparison<KeyValuePair<string, int>> RankOrder =
        static (a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key);
}
