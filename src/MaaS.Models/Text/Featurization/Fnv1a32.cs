namespace MaaS.Models.Text.Featurization;

/// <summary>
/// 32-bit FNV-1a over bytes (offset basis 2166136261, prime 16777619). Stable across processes, machines and .NET
/// versions, unlike <see cref="string.GetHashCode()"/>, which is randomised per process.
/// </summary>
internal struct Fnv1a32
{
    public const uint OffsetBasis = 2166136261;
    public const uint Prime = 16777619;

    private uint _state;

    private Fnv1a32(uint state) => _state = state;

    /// <summary>Current hash value.</summary>
    public readonly uint Value => _state;

    /// <summary>A fresh hasher.</summary>
    public static Fnv1a32 Create() => new(OffsetBasis);

    /// <summary>A hasher continuing from a previous <see cref="Value"/> (FNV is a running state over the bytes).</summary>
    public static Fnv1a32 Resume(uint state) => new(state);

    /// <summary>Hash of <paramref name="bytes"/>.</summary>
    public static uint Hash(ReadOnlySpan<byte> bytes)
    {
        var h = Create();
        h.Append(bytes);
        return h.Value;
    }

    /// <summary>Feeds bytes.</summary>
    public void Append(ReadOnlySpan<byte> bytes) => _state = Append(_state, bytes);

    /// <summary>The state after feeding <paramref name="bytes"/> to <paramref name="state"/>.</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            state = (state ^ b) * Prime;
        }

        return state;
    }

    /// <summary>The state after feeding the UTF-8 bytes of <paramref name="chars"/> (lone surrogates as U+FFFD, as
    /// <see cref="Encoding.UTF8"/> encodes them) without encoding them into a buffer.</summary>
    public static uint AppendUtf16(uint state, ReadOnlySpan<char> chars)
    {
        for (int i = 0; i < chars.Length; i++)
        {
            char c = chars[i];
            if (c >= 0x80)
            {
                return AppendNonAscii(state, chars[i..]);
            }

            state = (state ^ c) * Prime;
        }

        return state;
    }

    // The rest of AppendUtf16 from the first non-ASCII character: kept out of line so the ASCII loop stays small.
    private static uint AppendNonAscii(uint state, ReadOnlySpan<char> chars)
    {
        Span<byte> utf8 = stackalloc byte[4];
        int i = 0;
        while (i < chars.Length)
        {
            char c = chars[i];
            if (c < 0x80)
            {
                state = (state ^ c) * Prime;
                i++;
                continue;
            }

            Rune.DecodeFromUtf16(chars[i..], out var rune, out int consumed);
            state = Append(state, utf8[..rune.EncodeToUtf8(utf8)]);
            i += consumed;
        }

        return state;
    }

    /// <summary>Feeds one byte to each state: <c>states[i]</c> takes <c>bytes[i]</c> (each byte widened to a uint
    /// lane), a vector of states at a time.</summary>
    public static void AppendEach(Span<uint> states, ReadOnlySpan<uint> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes.Length, states.Length, nameof(bytes));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var prime = new Vector<uint>(Prime);
            for (; i <= states.Length - Vector<uint>.Count; i += Vector<uint>.Count)
            {
                var h = new Vector<uint>(states[i..]);
                ((h ^ new Vector<uint>(bytes[i..])) * prime).CopyTo(states[i..]);
            }
        }

        for (; i < states.Length; i++)
        {
            states[i] = (states[i] ^ bytes[i]) * Prime;
        }
    }

    /// <summary>Feeds one byte.</summary>
    public void Append(byte b) => _state = (_state ^ b) * Prime;
}
