using MaaS.Services.Recommendations.Events;

namespace MaaS.Services.Recommendations.Serving;

/// <summary>
/// A request's history as the index takes it: distinct item ids with summed weights. Exclusions join with weight 0,
/// so they add nothing to scores but the index still treats them as seen and never returns them. Either built item by
/// item, or a read-only view of a cached <see cref="UserHistory"/> (no copy on the hot path).
/// </summary>
internal sealed class History
{
    private readonly Dictionary<string, int>? _positions;
    private readonly List<string>? _ids;
    private readonly List<float>? _weights;

    public History(int capacity)
    {
        _positions = new Dictionary<string, int>(capacity, StringComparer.Ordinal);
        _ids = new List<string>(capacity);
        _weights = new List<float>(capacity);
        Ids = _ids;
        Weights = _weights;
    }

    public History(string[] ids, float[] weights)
    {
        Ids = ids;
        Weights = weights;
        Scored = ids.Length;
    }

    /// <summary>
    /// A request's history: the stored one (weights from <see cref="EventWeights"/>), the request's own items (weight
    /// 1 each), and exclusions (weight 0). Without items or exclusions it is a view of the cached stored history.
    /// </summary>
    public static History Of(UserHistory? stored, IReadOnlyList<string>? items, IReadOnlyList<string>? excluded, string[] unavailable)
    {
        if (stored is not null && items is null && excluded is null && unavailable.Length == 0)
        {
            return new History(stored.ItemIds, stored.Weights);
        }

        var history = new History((stored?.ItemIds.Length ?? 0) + (items?.Count ?? 0) + (excluded?.Count ?? 0) + unavailable.Length);
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

    public IReadOnlyList<string> Ids { get; }

    public IReadOnlyList<float> Weights { get; }

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
        var positions = _positions ?? throw new InvalidOperationException("A cached history is read-only.");
        if (positions.TryAdd(itemId, _ids!.Count))
        {
            _ids.Add(itemId);
            _weights!.Add(0f);
        }
    }

    public bool Contains(string itemId)
    {
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
