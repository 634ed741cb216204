namespace MaaS.Storage.Abstractions;

/// <summary>
/// Users (or sessions) known from their events. Rows are created and widened by
/// <see cref="IEventStore.AppendAsync"/> and removed by <see cref="IEventStore.EraseUserAsync"/>.
/// Implementations are thread-safe and shared as singletons.
/// </summary>
public interface IUserStore
{
    /// <summary>One user by its raw id (answered with that id), or <see cref="ErrorCode.NotFound"/>.</summary>
    ValueTask<Result<UserRecord>> GetAsync(string tenant, string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of users ordered by their stored id (ordinal), those after <paramref name="afterUserId"/> (null: from the
    /// start). Ids are stored only as pseudonyms (keyed hashes), so these are pseudonyms, and so is the cursor.
    /// </summary>
    /// <param name="limit">1..<see cref="StorageLimits.MaxReadLimit"/>.</param>
    ValueTask<Result<IReadOnlyList<UserRecord>>> ListAsync(
        string tenant, string? afterUserId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Number of users of the tenant.</summary>
    ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default);
}
