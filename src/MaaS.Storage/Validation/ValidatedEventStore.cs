using System.Data.Common;
using System.Runtime.CompilerServices;

namespace MaaS.Storage.Validation;

/// <summary>
/// What every <see cref="IEventStore"/> does before it reaches its database: the input rules, the empty-batch short
/// cut, the keyset walk behind <see cref="StreamAllAsync"/> and the one row layout of <c>events</c>. Written once so
/// the providers cannot drift apart; each supplies only its queries, which see valid inputs alone. Privacy is applied
/// here too, once for both: the queries see user pseudonyms only, and rows go through <see cref="PrivacyCodec"/>
/// (sealed fields) on their way in and out.
/// </summary>
internal abstract class ValidatedEventStore(PrivacyCodec privacy) : IEventStore
{
    /// <summary>The columns of <c>events</c> in the order <see cref="ReadEvent"/> reads them.</summary>
    protected const string Columns = "event_id, user_id, item_id, type, value, ts, sealed, recommendation_id";

    /// <summary>The columns <see cref="ReadItemId"/> reads (an item may be sealed, so DISTINCT happens in code).</summary>
    protected const string ItemColumns = "item_id, event_id, sealed";

    /// <summary>Pseudonyms and sealed fields of this store's rows.</summary>
    internal PrivacyCodec Privacy { get; } = privacy;

    public ValueTask<Result<AppendResult>> AppendAsync(
        string tenant, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Events(events)) is { } invalid)
        {
            return Refusal.Of<AppendResult>(invalid);
        }
        if (events.Count == 0)
        {
            return ValueTask.FromResult(Result<AppendResult>.Ok(new AppendResult(0, 0)));
        }
        var rows = new StoredEvent[events.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = Privacy.Store(tenant, events[i]);
        }
        return AppendCoreAsync(tenant, rows, cancellationToken);
    }

    public ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserHistoryAsync(
        string tenant, string userId, int limit, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? InputValidator.Id(userId, "userId") ?? InputValidator.Limit(limit)) is { } invalid
            ? Refusal.Of<IReadOnlyList<InteractionEvent>>(invalid)
            : WithUserAsync(GetUserHistoryCoreAsync(tenant, Privacy.User(tenant, userId), limit, cancellationToken), userId);

    public ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserEventsAsync(
        string tenant, string userId, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? InputValidator.Id(userId, "userId")) is { } invalid
            ? Refusal.Of<IReadOnlyList<InteractionEvent>>(invalid)
            : WithUserAsync(GetUserHistoryCoreAsync(tenant, Privacy.User(tenant, userId), int.MaxValue, cancellationToken), userId);

    public ValueTask<Result<IReadOnlyList<string>>> GetUserItemsAsync(string tenant, string userId, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? InputValidator.Id(userId, "userId")) is { } invalid
            ? Refusal.Of<IReadOnlyList<string>>(invalid)
            : GetUserItemsCoreAsync(tenant, Privacy.User(tenant, userId), cancellationToken);

    public async IAsyncEnumerable<IReadOnlyList<InteractionEvent>> StreamAllAsync(
        string tenant, DateTimeOffset? since = null, int batchSize = 5_000,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Limit(batchSize, nameof(batchSize))) is { } invalid)
        {
            throw new ArgumentException(invalid.Message, invalid.Problems[0].Field);
        }
        // Upper bound fixed at the start: events arriving while streaming are left to the next rebuild, so a busy
        // writer cannot keep a rebuild running forever.
        long last = 0;
        long end = await MaxSequenceAsync(cancellationToken).ConfigureAwait(false);
        while (last < end)
        {
            var (batch, lastInPage) = await PageAsync(tenant, since, last, end, batchSize, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                yield break;
            }
            yield return batch;
            if (batch.Count < batchSize)
            {
                yield break;
            }
            last = lastInPage;
        }
    }

    public abstract ValueTask<Result<EventFeedHead>> GetFeedHeadAsync(CancellationToken cancellationToken = default);

    public ValueTask<Result<EventFeedPage>> GetFeedAsync(
        string tenant, EventFeedCursor after, long through, DateTimeOffset since, int limit, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? InputValidator.Limit(limit)) is { } invalid
            ? Refusal.Of<EventFeedPage>(invalid)
            : after.Commit >= through
                ? ValueTask.FromResult(Result<EventFeedPage>.Ok(new EventFeedPage([], after)))
                : GetFeedCoreAsync(tenant, after, through, since, limit, cancellationToken);

    public ValueTask<Result<EraseResult>> EraseUserAsync(
        string tenant, string userId, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? InputValidator.Id(userId, "userId")) is { } invalid
            ? Refusal.Of<EraseResult>(invalid)
            : EraseUserCoreAsync(tenant, Privacy.User(tenant, userId), cancellationToken);

    public ValueTask<Result<long>> PurgeBeforeAsync(string tenant, DateTimeOffset before, int limit, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? InputValidator.Limit(limit)) is { } invalid
            ? Refusal.Of<long>(invalid)
            : PurgeBeforeCoreAsync(tenant, before, limit, cancellationToken);

    public ValueTask<Result<ResealProgress>> ResealAsync(int limit, CancellationToken cancellationToken = default) =>
        InputValidator.Limit(limit) is { } invalid
            ? Refusal.Of<ResealProgress>(invalid)
            : Privacy.CurrentKeyId is null
                ? ValueTask.FromResult(Result<ResealProgress>.Ok(new ResealProgress(0, true, [])))
                : ResealCoreAsync(limit, cancellationToken);

    public virtual IUserChangeFeed UserChanges => LocalUserChangeFeed.Instance;

    public abstract ValueTask<Result<IReadOnlyList<string>>> ListTenantsAsync(CancellationToken cancellationToken = default);

    public abstract ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Appends a non-empty batch of rows (pseudonymous, sealed when encryption is on).</summary>
    protected abstract ValueTask<Result<AppendResult>> AppendCoreAsync(string tenant, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="limit"/> of the tenant's events older than <paramref name="before"/>, oldest first.</summary>
    protected abstract ValueTask<Result<long>> PurgeBeforeCoreAsync(string tenant, DateTimeOffset before, int limit, CancellationToken cancellationToken);

    /// <summary>Re-seals up to <paramref name="limit"/> rows sealed under an older key, past the recorded cursor (a current key is set).</summary>
    protected abstract ValueTask<Result<ResealProgress>> ResealCoreAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The rows sealed again under the current key; an error when one cannot be opened (altered, or its key is gone).</summary>
    protected Result<byte[][]> Resealed(IReadOnlyList<(string Tenant, string EventKey, byte[] Sealed)> rows)
    {
        var blobs = new byte[rows.Count][];
        try
        {
            for (int i = 0; i < rows.Count; i++)
            {
                blobs[i] = Privacy.Reseal(rows[i].Tenant, rows[i].EventKey, rows[i].Sealed);
            }
        }
        catch (Exception e) when (e is PrivacyKeyException or System.Security.Cryptography.CryptographicException)
        {
            return Error.Unavailable("An event could not be opened to seal it under the current key: " + e.Message);
        }
        return blobs;
    }

    protected abstract ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserHistoryCoreAsync(string tenant, string userId, int limit, CancellationToken cancellationToken);

    protected abstract ValueTask<Result<IReadOnlyList<string>>> GetUserItemsCoreAsync(string tenant, string userId, CancellationToken cancellationToken);

    protected abstract ValueTask<Result<EraseResult>> EraseUserCoreAsync(string tenant, string userId, CancellationToken cancellationToken);

    /// <summary>One page of <see cref="GetFeedAsync"/> (<c>after.Commit &lt; through</c>); database failures become an error.</summary>
    protected abstract ValueTask<Result<EventFeedPage>> GetFeedCoreAsync(
        string tenant, EventFeedCursor after, long through, DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>The highest sequence number in the log (every tenant's), 0 when empty; throws on a database failure.</summary>
    protected abstract Task<long> MaxSequenceAsync(CancellationToken cancellationToken);

    /// <summary>
    /// One page of the stream in sequence order: the tenant's events with <c>after &lt; seq &lt;= end</c> (and
    /// <c>ts &gt;= since</c> when set), at most <paramref name="limit"/>, with the sequence number of the last one;
    /// throws on a database failure.
    /// </summary>
    protected abstract Task<(List<InteractionEvent> Events, long Last)> PageAsync(
        string tenant, DateTimeOffset? since, long after, long end, int limit, CancellationToken cancellationToken);

    /// <summary>A row selected as <see cref="Columns"/> from <paramref name="offset"/> on, opened (its user stays the
    /// pseudonym); <paramref name="time"/> reads the provider's timestamp column.</summary>
    protected InteractionEvent ReadEvent(DbDataReader row, int offset, string tenant, Func<DbDataReader, int, DateTimeOffset> time) => Privacy.Open(
        tenant,
        row.GetString(offset),
        row.GetString(offset + 1),
        row.GetString(offset + 2),
        row.GetString(offset + 3),
        row.GetFloat(offset + 4),
        time(row, offset + 5),
        row.IsDBNull(offset + 6) ? null : row.GetFieldValue<byte[]>(offset + 6),
        row.IsDBNull(offset + 7) ? null : row.GetString(offset + 7));

    /// <summary>The item of a row selected as <see cref="ItemColumns"/> from <paramref name="offset"/> on (the event id is read only for a sealed row).</summary>
    protected string ReadItemId(DbDataReader row, string tenant, int offset = 0) => row.IsDBNull(offset + 2)
        ? row.GetString(offset)
        : Privacy.Open(tenant, row.GetString(offset + 1), string.Empty, string.Empty, string.Empty, 0, default, row.GetFieldValue<byte[]>(offset + 2)).ItemId;

    // The caller asked by the raw id: they get it back in place of the pseudonym the rows hold.
    private static async ValueTask<Result<IReadOnlyList<InteractionEvent>>> WithUserAsync(
        ValueTask<Result<IReadOnlyList<InteractionEvent>>> read, string userId)
    {
        var result = await read.ConfigureAwait(false);
        if (!result.TryGetValue(out var events, out var error))
        {
            return error;
        }
        var list = new InteractionEvent[events.Count];
        for (var i = 0; i < list.Length; i++)
        {
            list[i] = events[i] with { UserId = userId };
        }
        return list;
    }
}
