using System.Numerics;

namespace MaaS.Storage.Abstractions;

/// <summary>
/// The loop of every retention pass: a store's bounded delete (at most a batch of rows, one short transaction, so
/// SQLite's one writer is held only that long) called until a batch comes back short.
/// </summary>
public static class BatchedDelete
{
    /// <summary>
    /// Calls <paramref name="deleteBatch"/> with <paramref name="batch"/> until it deletes fewer; returns the rows
    /// deleted, and the failure that stopped it early (null when none did).
    /// </summary>
    public static async Task<(long Deleted, Error? Failure)> RunAsync<TCount>(Func<int, ValueTask<Result<TCount>>> deleteBatch, int batch)
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
            if (count < batch)
            {
                return (total, null);
            }
        }
    }
}
