using System.Runtime.CompilerServices;

namespace MaaS.Services.Tests.Recommendations;

/// <summary>
/// The real event store, except that <see cref="IEventStore.StreamAllAsync"/> yields nothing until <see cref="Open"/>:
/// it holds a build in its <c>reading</c> stage (past admission), so a test sees a build's progress part-way.
/// </summary>
internal sealed class GatedEventStore(IEventStore inner) : ForwardingEventStore(inner)
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets every stream, waiting or to come, read.</summary>
    public void Open() => _gate.TrySetResult();

    public override IAsyncEnumerable<IReadOnlyList<InteractionEvent>> StreamAllAsync(
        string tenant, DateTimeOffset? since = null, int batchSize = 5_000, CancellationToken cancellationToken = default) =>
        GatedAsync(tenant, since, batchSize, cancellationToken);

    private async IAsyncEnumerable<IReadOnlyList<InteractionEvent>> GatedAsync(
        string tenant, DateTimeOffset? since, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _gate.Task.WaitAsync(cancellationToken);
        await foreach (var batch in Inner.StreamAllAsync(tenant, since, batchSize, cancellationToken))
        {
            yield return batch;
        }
    }
}
