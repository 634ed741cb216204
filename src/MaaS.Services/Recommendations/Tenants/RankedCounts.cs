using System.Collections;

namespace MaaS.Services.Recommendations.Tenants;

/// <summary>
/// Events per item in rank order (<see cref="TrendingSnapshot.RankOrder"/>), ranked only as far as read: the first
/// <see cref="Top"/> are selected when built (O(n log Top), where sorting every counted item on each change was
/// O(n log n)); a reader that goes past them (a row whose filters skip most items) sorts the rest once, for every later
/// reader too. Immutable once built apart from that one sort; thread-safe.
/// </summary>
internal sealed class RankedCounts : IEnumerable<KeyValuePair<string, int>>
{
    /// <summary>How many are ranked when built: a row or a page asks at most 100 items.</summary>
    public const int Top = 128;

    private static readonly Comparer<KeyValuePair<string, int>> Order = Comparer<KeyValuePair<string, int>>.Create(TrendingSnapshot.RankOrder);
    private static readonly Comparer<KeyValuePair<string, int>> Reverse = Comparer<KeyValuePair<string, int>>.Create(static (a, b) => TrendingSnapshot.RankOrder(b, a));

    private readonly KeyValuePair<string, int>[] _counts;
    private readonly KeyValuePair<string, int>[] _top;
    private readonly Lazy<KeyValuePair<string, int>[]> _all;

    /// <param name="counts">Events per item, each item once, in any order; kept, not changed (the full sort copies it).</param>
    public RankedCounts(KeyValuePair<string, int>[] counts)
    {
        _counts = counts;
        _top = Select(counts, Top);
        _all = new Lazy<KeyValuePair<string, int>[]>(SortAll, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>How many items are counted.</summary>
    public int Count => _counts.Length;

    /// <summary>Whether the whole order has been sorted (a reader went past <see cref="Top"/>), for tests.</summary>
    internal bool SortedAll => _all.IsValueCreated;

    public IEnumerator<KeyValuePair<string, int>> GetEnumerator()
    {
        foreach (var pair in _top)
        {
            yield return pair;
        }

        if (_top.Length == _counts.Length)
        {
            yield break;
        }

        var all = _all.Value;
        for (int i = _top.Length; i < all.Length; i++)
        {
            yield return all[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // The k first in rank order: a heap of the k best so far whose root is the worst of them.
    private static KeyValuePair<string, int>[] Select(KeyValuePair<string, int>[] counts, int k)
    {
        if (counts.Length <= k)
        {
            var sorted = (KeyValuePair<string, int>[])counts.Clone();
            Array.Sort(sorted, Order);
            return sorted;
        }

        var heap = new PriorityQueue<KeyValuePair<string, int>, KeyValuePair<string, int>>(k, Reverse);
        foreach (var pair in counts)
        {
            if (heap.Count < k)
            {
                heap.Enqueue(pair, pair);
            }
            else if (Order.Compare(pair, heap.Peek()) < 0)
            {
                heap.DequeueEnqueue(pair, pair);
            }
        }

        var top = new KeyValuePair<string, int>[k];
        for (int i = k - 1; i >= 0; i--)
        {
            top[i] = heap.Dequeue();
        }

        return top;
    }

    private KeyValuePair<string, int>[] SortAll()
    {
        var all = (KeyValuePair<string, int>[])_counts.Clone();
        Array.Sort(all, Order);
        return all;
    }
}
