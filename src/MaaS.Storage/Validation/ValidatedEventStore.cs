using System.Data.Common;
using System.Runtime.CompilerServices;

namespace MaaS.Storage.Validation;

/// <summary>
/// What every <see cref="IEventStore"/> does before it reaches its database: the input rules, the empty-batch short
/// cut, the keyset walk behind <see cref="StreamAllAsync"/> and the one row layout of <c>events</c>. Written once so
/// the providers cannot drift apart; each supplies only its queries, which see valid inputs alone.
/// </summary>
internal abstract class ValidatedEventStore : IEventStore
{
    /// <summary>The columns of <c>events</c> in the order <see cref="ReadEvent"/> reads them.</summary>
    protected const string Columns = "event_id, user_id, item_id, type, value, ts";

    public ValueTask<Result<AppendResult>> AppendAsync(
        string tenant, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Events(events)) is { } invalid)
        {
            return Refusal.Of<AppendResult>(invalid);
        }
        return events.Count == 0 ? ValueTask.FromResult(Result<AppendResult>.Ok(new AppendResult(0, 0))) : AppendCoreAsync(tenant, events, cancellationToken);
    }

    public ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserHistoryAsync(
        string tenant, string userId, int limit, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? InputValidator.Id(userId, "userId") ?? InputValidator.Limit(limit)) is { } invalid
            ? Refusal.Of<IReadOnlyList<InteractionEvent>>(invalid)
            : GetUserHistoryCoreAsync(tenant, userId, limit, cancellationToken);

    public ValueTask<Result<IReadOnlyList<string>>> GetUserItemsAsync(string tenant, string userId, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? InputValidator.Id(userId, "userId")) is { } invalid
            ? Refusal.Of<IReadOnlyList<string>>(invalid)
            : GetUserItemsCoreAsync(tenant, userId, cancellationToken);

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

    public ValueTask<Result<EraseResult>> EraseUserAsync(
        string tenant, string userId, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? InputValidator.Id(userId, "userId")) is { } invalid
            ? Refusal.Of<EraseResult>(invalid)
            : EraseUserCoreAsync(tenant, userId, cancellationToken);

    public abstract ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Appends a non-empty batch.</summary>
    protected abstract ValueTask<Result<AppendResult>> AppendCoreAsync(string tenant, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken);

    protected abstract ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserHistoryCoreAsync(string tenant, string userId, int limit, CancellationToken cancellationToken);

    protected abstract ValueTask<Result<IReadOnlyList<string>>> GetUserItemsCoreAsync(string tenant, string userId, CancellationToken cancellationToken);

    protected abstract ValueTask<Result<EraseResult>> EraseUserCoreAsync(string tenant, string userId, CancellationToken cancellationToken);

    /// <summary>The highest sequence number in the log (every tenant's), 0 when empty; throws on a database failure.</summary>
    protected abstract Task<long> MaxSequenceAsync(CancellationToken cancellationToken);

    /// <summary>
    /// One page of the stream in sequence order: the tenant's events with <c>after &lt; seq &lt;= end</c> (and
    /// <c>ts &gt;= since</c> when set), at most <paramref name="limit"/>, with the sequence number of the last one;
    /// throws on a database failure.
    /// </summary>
    protected abstract Task<(List<InteractionEvent> Events, long Last)> PageAsync(
        string tenant, DateTimeOffset? since, long after, long end, int limit, CancellationToken cancellationToken);

    /// <summary>A row selected as <see cref="Columns"/> from <paramref name="offset"/> on; <paramref name="time"/>
    /// reads the provider's timestamp column.</summary>
    protected static InteractionEvent ReadEvent(DbDataReader row, int offset, Func<DbDataReader, int, DateTimeOffset> time) => new(
        row.GetString(offset),
        row.GetString(offset + 1),
        row.GetString(offset + 2),
        row.GetString(offset + 3),
        row.GetFloat(offset + 4),
        time(row, offset + 5));
}
