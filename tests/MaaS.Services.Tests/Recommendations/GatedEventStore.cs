using System.Runtime.CompilerServices;

namespace MaaS.Services.Tests.Recommendations;

/// <summary>
/// The real event store, except that <see cref="IEventStore.StreamAllAsync"/> yields nothing until <see cref="Open"/>:
/// it holds a build in its <c>reading</c> stage (past admission), so a test sees a build's progress part-way.
/// </summary>
internal sealed class GatedEventStore(IEventStore inner) : IEventStore
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IUserChangeFeed UserChanges => inner.UserChanges;

    /// <summary>Lets every stream, waiting or to come, read.</summary>
    public void Open() => _gate.TrySetResult();

    public async IAsyncEnumerable<IReadOnlyList<InteractionEvent>> StreamAllAsync(
        string tenant, DateTimeOffset? since = null, int batchSize = 5_000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await _gate.Task.WaitAsync(cancellationToken);
        await foreach (var batch in inner.StreamAllAsync(tenant, since, batchSize, cancellationToken))
        {
            yield return batch;
        }
    }

    public ValueTask<Result<AppendResult>> AppendAsync(string tenant, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken = default) =>
        inner.AppendAsync(tenant, events, cancellationToken);

    public ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserHistoryAsync(string tenant, string userId, int limit, CancellationToken cancellationToken = default) =>
        inner.GetUserHistoryAsync(tenant, userId, limit, cancellationToken);

    public ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserEventsAsync(string tenant, string userId, CancellationToken cancellationToken = default) =>
        inner.GetUserEventsAsync(tenant, userId, cancellationToken);

    public ValueTask<Result<IReadOnlyList<string>>> GetUserItemsAsync(string tenant, string userId, CancellationToken cancellationToken = default) =>
        inner.GetUserItemsAsync(tenant, userId, cancellationToken);

    public ValueTask<Result<EraseResult>> EraseUserAsync(string tenant, string userId, CancellationToken cancellationToken = default) =>
        inner.EraseUserAsync(tenant, userId, cancellationToken);

    public ValueTask<Result<long>> PurgeBeforeAsync(string tenant, DateTimeOffset before, int limit, CancellationToken cancellationToken = default) =>
        inner.PurgeBeforeAsync(tenant, before, limit, cancellationToken);

    public ValueTask<Result<ResealProgress>> ResealAsync(int limit, CancellationToken cancellationToken = default) => inner.ResealAsync(limit, cancellationToken);

    public ValueTask<Result<IReadOnlyList<string>>> ListTenantsAsync(CancellationToken cancellationToken = default) => inner.ListTenantsAsync(cancellationToken);

    public ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) => inner.CountAsync(tenant, cancellationToken);
}
