namespace MaaS.Services.Recommendations.Serving;

/// <summary>
/// A request's history as the index takes it: distinct item ids with summed weights, which are scored, and
/// exclusions, which are never offered and add nothing to scores (items consumed before the scoring window, the
/// request's <c>excludeIds</c>, items unavailable today or deleted from the catalogue). Either built item by item, or
/// a read-only view of a cached <see cref="UserHistory"/> (no copy on the hot path).
/// </summary>
internal sealed class History
{
    private readonly Dictionary<string, int>? _positions;
    private readonly List<string>? _ids;
    private readonly List<float>? _weights;
    private readonly string[] _earlier;
    private readonly HashSet<string>? _excluded;

    public History(int capacity, string[]? earlier = null)
    {
        _positions = new Dictionary<string, int>(capacity, StringComparer.Ordinal);
        _ids = new List<string>(capacity);
        _weights = new List<float>(capacity);
        _earlier = earlier ?? [];
        _excluded = new HashSet<string>(StringComparer.Ordinal);
        Ids = _ids;
        Weights = _weights;
        Excluded = _earlier;
    }

    public History(string[] ids, float[] weights, string[]? earlier = null)
    {
        Ids = ids;
        Weights = weights;
        Scored = ids.Length;
        _earlier = earlier ?? [];
        Excluded = _earlier;
    }

    /// <summary>
    /// A request's history: the stored one (weights from <see cref="EventWeights"/>; its earlier items excluded), the
    /// request's own items (weight 1 each), and exclusions. Without items or exclusions it is a view of the cached
    /// stored history.
    /// </summary>
    public static History Of(UserHistory? stored, IReadOnlyList<string>? items, IReadOnlyList<string>? excluded, string[] unavailable)
    {
        if (stored is not null && items is null && excluded is null && unavailable.Length == 0)
        {
            return new History(stored.ItemIds, stored.Weights, stored.Earlier);
        }

        var history = new History((stored?.ItemIds.Length ?? 0) + (items?.Count ?? 0), stored?.Earlier);
        if (stored is not null)
        {
            for (int i = 0; i < stored.ItemIds.Length; i++)
            {
                history.Add(stored.ItemIds[i], stored.Weights[i]);
            }
        }

        foreach (string id in items ?? [])
        {
            history.Add(id, 1f);
        }

        foreach (string id in excluded ?? [])
        {
            history.Exclude(id);
        }

        foreach (string id in unavailable)
        {
            history.Exclude(id);
        }

        return history;
    }

    /// <summary>Scored items.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>Weight per scored item.</summary>
    public IReadOnlyList<float> Weights { get; }

    /// <summary>Items never offered and not scored (each once; some may also be scored items).</summary>
    public IReadOnlyList<string> Excluded { get; private set; }

    /// <summary>Items that carry weight (exclusions not counted).</summary>
    public int Scored { get; private set; }

    public void Add(string itemId, float weight)
    {
        var positions = _positions ?? throw new InvalidOperationException("A cached history is read-only.");
        if (positions.TryGetValue(itemId, out int at))
        {
            _weights![at] += weight;
            return;
        }

        positions.Add(itemId, _ids!.Count);
        _ids.Add(itemId);
        _weights!.Add(weight);
        Scored++;
    }

    public void Exclude(string itemId)
    {
        var excluded = _excluded ?? throw new InvalidOperationException("A cached history is read-only.");
        if (Array.BinarySearch(_earlier, itemId, StringComparer.Ordinal) < 0 && excluded.Add(itemId))
        {
            // Copied once, on the first request-level exclusion: the cached earlier items stay shared until then.
            if (ReferenceEquals(Excluded, _earlier))
            {
                Excluded = new List<string>(_earlier);
            }

            ((List<string>)Excluded).Add(itemId);
        }
    }

    /// <summary>Whether the item is scored or excluded.</summary>
    public bool Contains(string itemId)
    {
        if (Array.BinarySearch(_earlier, itemId, StringComparer.Ordinal) >= 0 || _excluded?.Contains(itemId) == true)
        {
            return true;
        }

        if (_positions is not null)
        {
            return _positions.ContainsKey(itemId);
        }

        foreach (string id in Ids)
        {
            if (id == itemId)
            {
                return true;
            }
        }

        return false;
    }
}
