namespace MaaS.Services.Agents;

/// <summary>
/// Feature name to slot for one schema's feature list, looked up by a JSON property name's UTF-8 bytes: the slot the
/// caller expects (the one after the last match, since callers mostly send the schema's order) is a byte comparison,
/// any other name is transcoded into a stack buffer and found through the dictionary's span lookup. No string per
/// lookup. Immutable; thread-safe.
/// </summary>
internal sealed class FeatureIndex
{
    // Feature names are validated short identifiers; a longer property name cannot be one of them.
    private const int MaxName = 256;

    private readonly byte[][] _utf8;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public FeatureIndex(IReadOnlyList<string> names)
    {
        _utf8 = new byte[names.Count][];
        var index = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            _utf8[i] = Encoding.UTF8.GetBytes(names[i]);
            index[names[i]] = i;
        }
        _lookup = index.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>How many features the schema names.</summary>
    public int Count => _utf8.Length;

    /// <summary>The slot of the property name the reader stands on, or −1 for a name outside the schema.</summary>
    /// <param name="reader">A reader on a <see cref="JsonTokenType.PropertyName"/>.</param>
    /// <param name="expected">The slot to try first (any value; out of range tries none).</param>
    public int Find(ref readonly Utf8JsonReader reader, int expected)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return _lookup.TryGetValue(reader.GetString()!, out int slot) ? slot : -1;
        }
        return Find(reader.ValueSpan, expected);
    }

    /// <summary>The slot of an unescaped UTF-8 name, or −1.</summary>
    public int Find(ReadOnlySpan<byte> utf8, int expected)
    {
        if ((uint)expected < (uint)_utf8.Length && utf8.SequenceEqual(_utf8[expected]))
        {
            return expected;
        }
        if (utf8.Length > MaxName)
        {
            return -1;
        }
        Span<char> name = stackalloc char[MaxName];
        // Invalid UTF-8 becomes U+FFFD, which no validated feature name holds.
        int written = Encoding.UTF8.GetChars(utf8, name);
        return _lookup.TryGetValue(name[..written], out int slot) ? slot : -1;
    }
}
