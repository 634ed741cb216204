namespace MaaS.Models.Text.Featurization;

/// <summary>
/// The distinct ids of one text: open addressing over (generation, id) slots, so starting the next text is one
/// increment instead of clearing a hash set. At most half full (capacity ≥ 2 × the ids a text may keep). Not
/// thread-safe (one per thread).
/// </summary>
internal sealed class FeatureIdSet
{
    private ulong[] _slots = [];
    private int _shift;
    private uint _generation;

    /// <summary>Empties the set for a text of at most <paramref name="maxIds"/> ids.</summary>
    public void Reset(int maxIds)
    {
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, maxIds * 2));
        if (_slots.Length < capacity)
        {
            _slots = new ulong[capacity];
            _shift = 32 - BitOperations.Log2((uint)capacity);
            _generation = 0;
        }

        if (++_generation == 0)
        {
            Array.Clear(_slots);
            _generation = 1;
        }
    }

    /// <summary>Adds <paramref name="id"/>; false when it was already there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Add(int id)
    {
        int slot = Probe(id, out bool found);
        if (!found)
        {
            _slots[slot] = ((ulong)_generation << 32) | (uint)id;
        }

        return !found;
    }

    /// <summary>Whether <paramref name="id"/> is in the set.</summary>
    public bool Contains(int id)
    {
        Probe(id, out bool found);
        return found;
    }

    // The slot holding id, or the free slot where it would go. Fibonacci hashing spreads ids that share low bits (FNV
    // values modulo a power of two) over the table.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Probe(int id, out bool found)
    {
        ulong entry = ((ulong)_generation << 32) | (uint)id;
        int mask = _slots.Length - 1;
        int slot = (int)(((uint)id * 0x9E3779B1u) >> _shift);
        while (true)
        {
            ulong current = _slots[slot];
            if (current == entry || (uint)(current >> 32) != _generation)
            {
                found = current == entry;
                return slot;
            }

            slot = (slot + 1) & mask;
        }
    }
}
