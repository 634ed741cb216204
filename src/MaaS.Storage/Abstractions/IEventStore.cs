namespace MaaS.Storage.Abstractions;

/// <summary>
/// Append-only interaction log per tenant. Implementations are thread-safe and shared as singletons.
/// </summary>
public interface IEventStore
{
    /// <summary>
    /// Appends a batch, ignoring events whose <see cref="InteractionEvent.EventId"/> is already stored in the tenant.
    /// Also records first/last seen of each user that got a new event. The batch is validated as a whole: one bad
    /// event rejects the batch with <see cref="ErrorCode.InvalidRequest"/> listing every broken rule, and nothing
    /// is written. A successful result means the events are durable (committed and flushed to stable storage).
    /// </summary>
    /// <param name="tenant">Tenant key, e.g. <see cref="StorageLimits.DefaultTenant"/>.</param>
    /// <param name="events">At most <see cref="StorageLimits.MaxBatchSize"/> events; the list is not retained.</param>
    /// <param name="cancellationToken">
    /// Honoured until the write starts (then an <see cref="OperationCanceledException"/> is thrown and nothing is
    /// written); once the write has started the call completes normally.
    /// </param>
    ValueTask<Result<AppendResult>> AppendAsync(
        string tenant, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// A user's most recent events, newest first (ties broken by arrival order, latest first).
    /// An unknown user yields an empty list, not an error.
    /// </summary>
    /// <param name="limit">1..<see cref="StorageLimits.MaxReadLimit"/>.</param>
    ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserHistoryAsync(
        string tenant, string userId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every event of the user, newest first, however many (a privacy export: rare, and the user's own range only).
    /// An unknown user yields an empty list, not an error.
    /// </summary>
    ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserEventsAsync(
        string tenant, string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every distinct item the user has an event of, whatever its type or age, in no particular order: what a user has
    /// consumed, which recommendations never offer again. An unknown user yields an empty list, not an error. Reads
    /// only the user's own events (its range of the per-user index), so the cost grows with the user's events, not
    /// with the tenant's.
    /// </summary>
    ValueTask<Result<IReadOnlyList<string>>> GetUserItemsAsync(
        string tenant, string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the tenant's events in arrival order, in batches of up to <paramref name="batchSize"/>, for index
    /// rebuilds. Their <see cref="InteractionEvent.UserId"/> is the user's pseudonym (the store keeps no raw id): an
    /// opaque key, the same for every event of a user. Every event committed before the call is yielded exactly once; events committed while streaming may
    /// or may not appear. No transaction is held between batches, so a long rebuild does not block writers.
    /// Database failures surface as exceptions from the enumerator (a stream cannot return an error value mid-way);
    /// invalid arguments throw <see cref="ArgumentException"/> on first iteration.
    /// </summary>
    /// <param name="since">When set, only events with <see cref="InteractionEvent.Timestamp"/> at or after it.</param>
    /// <param name="batchSize">1..<see cref="StorageLimits.MaxReadLimit"/>; each yielded list is a new list the caller owns.</param>
    IAsyncEnumerable<IReadOnlyList<InteractionEvent>> StreamAllAsync(
        string tenant, DateTimeOffset? since = null, int batchSize = 5_000, CancellationToken cancellationToken = default);

    /// <summary>
    /// The settled head of the log and each tenant's erasure number, for followers that fold the log incrementally
    /// (<see cref="GetFeedAsync"/>). Every event whose commit key is below <see cref="EventFeedHead.Position"/> has
    /// committed or never will, and no event appended later gets a key below it: SQLite has one writer; on PostgreSQL
    /// the key is the appending transaction's id and the head the oldest transaction still running, so appends take no
    /// lock for it (a write transaction held open anywhere on the server holds the head back until it ends).
    /// </summary>
    ValueTask<Result<EventFeedHead>> GetFeedHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The tenant's events after <paramref name="after"/> in feed order (<see cref="EventFeedCursor"/>: commit key, then
    /// sequence) whose commit key is below <paramref name="through"/> and whose timestamp is at or after
    /// <paramref name="since"/>, at most <paramref name="limit"/>. With <paramref name="through"/> a head's position
    /// (<see cref="GetFeedHeadAsync"/>), pages read from <see cref="EventFeedCursor.Start"/> (or from the last page's
    /// end, or the previous head's <see cref="EventFeedHead.Cursor"/>) to it see every event once.
    /// </summary>
    /// <param name="limit">1..<see cref="StorageLimits.MaxReadLimit"/>.</param>
    ValueTask<Result<EventFeedPage>> GetFeedAsync(
        string tenant, EventFeedCursor after, long through, DateTimeOffset since, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Privacy erase: deletes every event of the user and the user row, atomically. Other users are untouched.
    /// Erasing an unknown user succeeds with zero counts. An erase that deleted events adds one to the tenant's erasure
    /// number (<see cref="EventFeedHead.Erasures"/>) in the same transaction. Event ids erased may be appended again afterwards.
    /// </summary>
    ValueTask<Result<EraseResult>> EraseUserAsync(
        string tenant, string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Retention: deletes up to <paramref name="limit"/> of the tenant's events whose timestamp is before
    /// <paramref name="before"/>, oldest first, in one transaction, and the user rows left without events. Returns how
    /// many events went; fewer than <paramref name="limit"/> means none older is left. Call again for the next batch.
    /// </summary>
    /// <param name="limit">1..<see cref="StorageLimits.MaxReadLimit"/>.</param>
    ValueTask<Result<long>> PurgeBeforeAsync(
        string tenant, DateTimeOffset before, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Key rotation: seals again under the current encryption key (<c>Privacy:EncryptionKeyId</c>) up to
    /// <paramref name="limit"/> events still sealed under an older key, in one transaction, continuing from the progress
    /// the database records (a restart resumes there; replicas share it). When none is left, the database forgets the
    /// older keys' check values, which is what lets them be removed from <c>Privacy:EncryptionKeys</c>. Call again
    /// until <see cref="ResealProgress.Done"/>. Without a current key there is nothing to do.
    /// </summary>
    /// <param name="limit">1..<see cref="StorageLimits.MaxReadLimit"/>.</param>
    ValueTask<Result<ResealProgress>> ResealAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>The tenants that have at least one user, in ordinal order.</summary>
    ValueTask<Result<IReadOnlyList<string>>> ListTenantsAsync(CancellationToken cancellationToken = default);

    /// <summary>Which users' events other processes sharing the store changed: what keeps a history cache correct across replicas.</summary>
    IUserChangeFeed UserChanges { get; }

    /// <summary>Number of events stored for the tenant.</summary>
    ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default);
}

/// <summary>One step of re-sealing under the current key.</summary>
/// <param name="Resealed">Events sealed again by this call.</param>
/// <param name="Done">True when no event is sealed under an older key any more.</param>
/// <param name="Retired">Key ids whose check values this call removed (the keys may now leave configuration).</param>
public sealed record ResealProgress(long Resealed, bool Done, IReadOnlyList<string> Retired);
