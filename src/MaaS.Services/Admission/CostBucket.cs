namespace MaaS.Services.Admission;

/// <summary>
/// A partition's work budget: a token bucket of work units that may go into debt. A request is let in to be read only
/// while the balance is positive, and its cost, known once its body is parsed, is then charged in full, even past
/// zero: the partition's next requests are refused before their bodies are read until the debt is repaid. So work
/// averages at most the refill rate, and no parsed request is thrown away for want of budget.
/// The framework's token bucket cannot do this: it refuses a cost above its balance, which is known only after the read.
/// Thread-safe and lock-free.
/// </summary>
/// <remarks>
/// The state is one timestamp, the moment the balance was (or will be) zero: the balance now is
/// <c>min(capacity, (now - zeroAt) × rate)</c>, so reading it needs no lock and a charge moves <c>zeroAt</c> forward by
/// one compare-and-swap. Every costed request of a tenant passes here, and the profile of <c>/v2</c> infer under 64
/// connections showed the lock this replaced as the admission filter's main cost (docs/benchmarks.md).
/// </remarks>
internal sealed class CostBucket
{
    private readonly double _ticksPerUnit;
    private readonly long _fullTicks;
    private readonly TimeProvider _time;
    private long _zeroAt;

    /// <param name="unitsPerSecond">Refill rate (&gt; 0).</param>
    /// <param name="capacity">Most units it holds; it starts full.</param>
    /// <param name="time">Clock.</param>
    public CostBucket(double unitsPerSecond, double capacity, TimeProvider time)
    {
        _ticksPerUnit = time.TimestampFrequency / unitsPerSecond;
        _fullTicks = ToTicks(capacity);
        _time = time;
        _zeroAt = time.GetTimestamp() - _fullTicks;
    }

    /// <summary>True while the balance is positive; otherwise how long until it is.</summary>
    public bool TryOpen(out TimeSpan retryAfter)
    {
        long debt = Volatile.Read(ref _zeroAt) - _time.GetTimestamp();
        retryAfter = debt < 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)debt / _time.TimestampFrequency);
        return debt < 0;
    }

    /// <summary>Takes <paramref name="units"/> from the balance, which may go below zero.</summary>
    public void Charge(double units)
    {
        long cost = ToTicks(units);
        long seen = Volatile.Read(ref _zeroAt);
        while (true)
        {
            // A balance above capacity is not kept: the moment of zero is at most a full bucket's refill ago.
            long floor = _time.GetTimestamp() - _fullTicks;
            long next = Math.Max(seen, floor) + cost;
            long found = Interlocked.CompareExchange(ref _zeroAt, next, seen);
            if (found == seen)
            {
                return;
            }

            seen = found;
        }
    }

    /// <summary>Whether the bucket is full, so dropping it forgets nothing (a fresh one starts full).</summary>
    public bool IsFull => _time.GetTimestamp() - Volatile.Read(ref _zeroAt) >= _fullTicks;

    private long ToTicks(double units) => (long)Math.Min(units * _ticksPerUnit, long.MaxValue / 4);
}
