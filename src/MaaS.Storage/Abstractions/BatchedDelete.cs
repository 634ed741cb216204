using System.Numerics;

namespace MaaS.Storage.Abstractions;

/// <summary>
/// The loop of every retention pass: a store's bounded delete (at most a batch of rows, one short transaction, so
/// SQLite's one writer is held only that long) called until a batch comes back short.
/// </summary>
public static class BatchedDelete
{
    /// <summary>
    /// Calls <paramref name="deleteBatch"/> with <paramref name="batch"/> until it deletes fewer (with
    /// <paramref name="untilNone"/>, until it deletes none: for a delete that may end a batch short by a bound of its
    /// own, as jobs' by their inputs' bytes); returns the rows deleted, and the failure that stopped it early (null when
    /// none did).
    /// </summary>
    public static async Task<(long Deleted, Error? Failure)> RunAsync<TCount>(Func<int, ValueTask<Result<TCount>>> deleteBatch, int batch, bool untilNone = false)
        where TCount : IBinaryInteger<TCount>
    {
        ArgumentNullException.ThrowIfNull(deleteBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        long total = 0;
        while (true)
        {
            var deleted = await deleteBatch(batch).ConfigureAwait(false);
            if (!deleted.TryGetValue(out var rows, out var error))
            {
                return (total, error);
            }

            long count = long.CreateTruncating(rows);
            total += count;
            if (untilNone ? count == 0 : count < batch)
            {
                return (total, null);
            }
        }
    }
}
