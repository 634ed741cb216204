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
    public void Append(ReadOnlySpan<byte> bytes)
    {
        uint h = _state;
        foreach (byte b in bytes)
        {
            h = (h ^ b) * Prime;
        }

        _state = h;
    }

    /// <summary>Feeds one byte.</summary>
    public void Append(byte b) => _state = (_state ^ b) * Prime;
}
