namespace MaaS.Recommendations.Interactions;

/// <summary>
/// Dense mapping between external string ids and internal indices 0..Count-1 (index order = first appearance).
/// Not thread-safe while being added to; read-only use after building is safe from any thread.
/// </summary>
public sealed class IdMap
{
    private readonly Dictionary<string, int> _toIndex;
    private readonly List<string> _ids;

    /// <summary>Creates an empty map.</summary>
    public IdMap()
    {
        _toIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        _ids = [];
    }

    /// <summary>Creates a map whose index i is <paramref name="ids"/>[i]; ids must be distinct.</summary>
    public IdMap(IEnumerable<string> ids)
        : this()
    {
        foreach (string id in ids)
        {
            if (!_toIndex.TryAdd(id, _ids.Count))
            {
                throw new ArgumentException($"Duplicate id in map at index {_ids.Count}.", nameof(ids));
            }

            _ids.Add(id);
        }
    }

    /// <summary>Number of ids.</summary>
    public int Count => _ids.Count;

    /// <summary>Ids in index order.</summary>
    public IReadOnlyList<string> Ids => _ids;

    /// <summary>External id of an index.</summary>
    public string this[int index] => _ids[index];

    /// <summary>Index of an id, adding it when new.</summary>
    public int GetOrAdd(string id)
    {
        if (_toIndex.TryGetValue(id, out int index))
        {
            return index;
        }

        index = _ids.Count;
        _toIndex.Add(id, index);
        _ids.Add(id);
        return index;
    }

    /// <summary>
    /// Removes the id at <paramref name="index"/> in O(1): the last id takes that index, so indices stay dense. The
    /// caller moves whatever it keeps per index the same way.
    /// </summary>
    internal void SwapRemove(int index)
    {
        int last = _ids.Count - 1;
        _toIndex.Remove(_ids[index]);
        if (index != last)
        {
            _ids[index] = _ids[last];
            _toIndex[_ids[index]] = index;
        }

        _ids.RemoveAt(last);
    }

    /// <summary>Index of an id when known.</summary>
    public bool TryGetIndex(string id, out int index) => _toIndex.TryGetValue(id, out index);
}
