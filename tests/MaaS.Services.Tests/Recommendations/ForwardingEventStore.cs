namespace MaaS.Services.Tests.Recommendations;

/// <summary>The real event store behind every member; a test overrides the one it steers.</summary>
internal abstract class ForwardingEventStore(IEventStore inner) : IEventStore
{
    /// <summary>The store every call not overridden goes to.</summary>
    protected IEventStore Inner { get; } = inner;

    public virtual IUserChangeFeed UserChanges => Inner.UserChanges;

    public virtual ValueTask<Result<AppendResult>> AppendAsync(string tenant, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken = default) =>
        Inner.AppendAsync(tenant, events, cancellationToken);

    public virtual ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserHistoryAsync(string tenant, string userId, int limit, CancellationToken cancellationToken = default) =>
        Inner.GetUserHistoryAsync(tenant, userId, limit, cancellationToken);

    public virtual ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserEventsAsync(string tenant, string userId, CancellationToken cancellationToken = default) =>
        Inner.GetUserEventsAsync(tenant, userId, cancellationToken);

    public virtual ValueTask<Result<IReadOnlyList<string>>> GetUserItemsAsync(string tenant, string userId, CancellationToken cancellationToken = default) =>
        Inner.GetUserItemsAsync(tenant, userId, cancellationToken);

    public virtual IAsyncEnumerable<IReadOnlyList<InteractionEvent>> StreamAllAsync(string tenant, DateTimeOffset? since = null, int batchSize = 5_000, CancellationToken cancellationToken = default) =>
        Inner.StreamAllAsync(tenant, since, batchSize, cancellationToken);

    public virtual ValueTask<Result<EventFeedHead>> GetFeedHeadAsync(CancellationToken cancellationToken = default) => Inner.GetFeedHeadAsync(cancellationToken);

    public virtual ValueTask<Result<EventFeedPage>> GetFeedAsync(string tenant, EventFeedCursor after, long through, DateTimeOffset since, int limit, CancellationToken cancellationToken = default) =>
        Inner.GetFeedAsync(tenant, after, through, since, limit, cancellationToken);

    public virtual ValueTask<Result<EraseResult>> EraseUserAsync(string tenant, string userId, CancellationToken cancellationToken = default) =>
        Inner.EraseUserAsync(tenant, userId, cancellationToken);

    public virtual ValueTask<Result<long>> PurgeBeforeAsync(string tenant, DateTimeOffset before, int limit, CancellationToken cancellationToken = default) =>
        Inner.PurgeBeforeAsync(tenant, before, limit, cancellationToken);

    public virtual ValueTask<Result<ResealProgress>> ResealAsync(int limit, CancellationToken cancellationToken = default) => Inner.ResealAsync(limit, cancellationToken);

    public virtual ValueTask<Result<IReadOnlyList<string>>> ListTenantsAsync(CancellationToken cancellationToken = default) => Inner.ListTenantsAsync(cancellationToken);

    public virtual ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) => Inner.CountAsync(tenant, cancellationToken);
}
