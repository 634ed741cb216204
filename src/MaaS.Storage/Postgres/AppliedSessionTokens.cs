namespace MaaS.Storage.Postgres;

/// <summary>
/// The session tokens of the latest commits this process's change feed has reported, at most <c>capacity</c> of them
/// (the oldest forgotten first). Forgetting is safe: a token not found sends its reader to the store, which has every
/// commit. A token is a random 64-bit value in 16 lower-case hex digits. Thread-safe.
/// </summary>
internal sealed class AppliedSessionTokens(int capacity)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _applied = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>A fresh token; random rather than a sequence so no replica needs to coordinate with another to draw one.</summary>
    public static string NewToken() => Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()));

    public void Add(string token)
    {
        lock (_gate)
        {
            if (!_applied.Add(token))
            {
                return;
            }

            _order.Enqueue(token);
            if (_order.Count > capacity)
            {
                _applied.Remove(_order.Dequeue());
            }
        }
    }

    public bool Contains(string token)
    {
        lock (_gate)
        {
            return _applied.Contains(token);
        }
    }
}
