namespace MaaS.Services.Admission;

/// <summary>
/// One partition's admission state: its work budget, its costed requests in flight and the bytes they hold, each count
/// held to its limit by a compare-and-swap. Thread-safe and lock-free, as <see cref="CostBucket"/> is: the framework's
/// partitioned concurrency limiters this replaced took a lock to find the partition, another to acquire and a third to
/// release, for the count and again for the bytes, on every costed request (docs/benchmarks.md, "Admission without
/// locks"). Neither queued (their queue limit was 0), so a count and a limit do all they did.
/// </summary>
internal sealed class PartitionAdmission(CostBucket budget)
{
    private long _requests;
    private long _bytes;

    /// <summary>The partition's work budget.</summary>
    public CostBucket Budget { get; } = budget;

    /// <summary>Costed requests in flight.</summary>
    public long Requests => Volatile.Read(ref _requests);

    /// <summary>In-flight bytes held.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Whether dropping it forgets nothing: the budget full, nothing in flight (a fresh one is the same).</summary>
    public bool IsIdle => Budget.IsFull && Requests == 0 && Bytes == 0;

    /// <summary>Takes a place for one more request in flight; false when <paramref name="limit"/> are.</summary>
    public bool TryTakeRequest(long limit) => TryTake(ref _requests, 1, limit);

    /// <summary>Gives back a place <see cref="TryTakeRequest"/> took.</summary>
    public void ReleaseRequest() => Interlocked.Decrement(ref _requests);

    /// <summary>Takes <paramref name="bytes"/> (≥ 0) of the in-flight bytes; false when more than <paramref name="limit"/> would be held.</summary>
    public bool TryTakeBytes(long bytes, long limit) => TryTake(ref _bytes, bytes, limit);

    /// <summary>Gives back bytes <see cref="TryTakeBytes"/> took.</summary>
    public void ReleaseBytes(long bytes)
    {
        if (bytes != 0)
        {
            Interlocked.Add(ref _bytes, -bytes);
        }
    }

    private static bool TryTake(ref long held, long amount, long limit)
    {
        long seen = Volatile.Read(ref held);
        while (true)
        {
            if (seen + amount > limit)
            {
                return false;
            }

            long found = Interlocked.CompareExchange(ref held, seen + amount, seen);
            if (found == seen)
            {
                return true;
            }

            seen = found;
        }
    }
}
