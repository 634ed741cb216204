namespace MaaS.Storage.Abstractions;

/// <summary>
/// Where the event log stands, for a follower that folds events into counts (trending): every event whose commit key
/// is below <see cref="Position"/> has committed (or never will), so a reader that has read up to it has missed none
/// and no event can later appear behind it.
/// </summary>
/// <param name="Position">The settled position of the log (every tenant's): an exclusive bound on the events' commit
/// keys (<see cref="EventFeedCursor.Commit"/>). SQLite: one more than the highest sequence (one writer commits in
/// sequence order). PostgreSQL: the oldest transaction id still running anywhere on the server
/// (<c>pg_snapshot_xmin(pg_current_snapshot())</c>); every transaction below it has ended, and any transaction that has
/// not yet written gets a higher id, so no append ever takes a lock for the follower's sake.</param>
/// <param name="Erasures">Per tenant, how many erasures removed events so far (tenants without one are absent): a
/// follower whose counts were taken at another number counts again, since erased events cannot be read back.</param>
public sealed record EventFeedHead(long Position, IReadOnlyDictionary<string, long> Erasures)
{
    /// <summary>The tenant's erasure number (0 when none).</summary>
    public long ErasuresOf(string tenant) => Erasures.GetValueOrDefault(tenant);

    /// <summary>The cursor of a reader that has read every event up to this head.</summary>
    public EventFeedCursor Cursor => new(Position, 0);
}

/// <summary>
/// A place in the event feed, which orders a tenant's events by their commit key and then their sequence: a reader
/// asks for the events after it. SQLite's commit key is the sequence; PostgreSQL's is the id of the transaction that
/// appended the event (one batch, one key), so the order is fixed once a head has passed it even though sequences are
/// drawn before commit and commit out of order.
/// </summary>
/// <param name="Commit">The commit key of the last event read, or a head's position (<see cref="EventFeedHead.Cursor"/>).</param>
/// <param name="Sequence">The sequence of the last event read; 0 with a head's position (sequences start at 1).</param>
public readonly record struct EventFeedCursor(long Commit, long Sequence) : IComparable<EventFeedCursor>
{
    /// <summary>Before every event.</summary>
    public static readonly EventFeedCursor Start;

    /// <inheritdoc/>
    public int CompareTo(EventFeedCursor other) =>
        Commit != other.Commit ? Commit.CompareTo(other.Commit) : Sequence.CompareTo(other.Sequence);

    public static bool operator <(EventFeedCursor left, EventFeedCursor right) => left.CompareTo(right) < 0;

    public static bool operator >(EventFeedCursor left, EventFeedCursor right) => left.CompareTo(right) > 0;

    public static bool operator <=(EventFeedCursor left, EventFeedCursor right) => left.CompareTo(right) <= 0;

    public static bool operator >=(EventFeedCursor left, EventFeedCursor right) => left.CompareTo(right) >= 0;
}

/// <summary>One page of a tenant's events in feed order (commit key, then sequence).</summary>
/// <param name="Events">What a follower counts of each event; a new list the caller owns.</param>
/// <param name="Last">The place of the last event read, or the page's <c>after</c> when none was.</param>
public sealed record EventFeedPage(IReadOnlyList<FeedEvent> Events, EventFeedCursor Last);

/// <summary>
/// An event as the feed yields it: only what trending counts, so a follower reading every event once more reads two
/// columns rather than the whole row (the item opened from the sealed fields when the event is encrypted).
/// </summary>
/// <param name="ItemId">The item, opened.</param>
/// <param name="Timestamp">When the event happened (its own timestamp, not its arrival).</param>
public readonly record struct FeedEvent(string ItemId, DateTimeOffset Timestamp);
