namespace MaaS.Gateway.Security.Admission;

/// <summary>
/// A partition's work budget: a token bucket of work units that may go into debt. A request is let in to be read only
/// while the balance is positive, and its cost, known once its body is parsed, is then charged in full, even past
/// zero: the partition's next requests are refused before their bodies are read until the debt is repaid. So work
/// averages at most the refill rate, and no parsed request is thrown away for want of budget.
/// The framework's token bucket cannot do this: it refuses a cost above its balance, which is known only after the read.
/// Thread-safe.
/// </summary>
internal sealed class CostBucket
{
    private readonly Lock _gate = new();
    private readonly double _unitsPerSecond;
    private readonly double _capacity;
    private readonly TimeProvider _time;
    private double _balance;
    private long _refilledAt;

    /// <param name="unitsPerSecond">Refill rate (&gt; 0).</param>
    /// <param name="capacity">Most units it holds; it starts full.</param>
    /// <param name="time">Clock.</param>
    public CostBucket(double unitsPerSecond, double capacity, TimeProvider time)
    {
        _unitsPerSecond = unitsPerSecond;
        _capacity = _balance = capacity;
        _time = time;
        _refilledAt = time.GetTimestamp();
    }

    /// <summary>True while the balance is positive; otherwise how long until it is.</summary>
    public bool TryOpen(out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            Refill();
            retryAfter = _balance > 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_balance / _unitsPerSecond);
            return _balance > 0;
        }
    }

    /// <summary>Takes <paramref name="units"/> from the balance, which may go below zero.</summary>
    public void Charge(double units)
    {
        lock (_gate)
        {
            Refill();
            _balance -= units;
        }
    }

    /// <summary>Whether the bucket is full, so dropping it forgets nothing (a fresh one starts full).</summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
            {
                Refill();
                return _balance >= _capacity;
            }
        }
    }

    private void Refill()
    {
        long now = _time.GetTimestamp();
        _balance = Math.Min(_capacity, _balance + (_time.GetElapsedTime(_refilledAt, now).TotalSeconds * _unitsPerSecond));
        _refilledAt = now;
    }
}
