namespace MaaS.Models.Onnx;

/// <summary>
/// Reads protobuf wire format field by field over a span, without copying: a length-delimited field is a slice of the
/// input. Every read reports malformed input (truncation, an over-long varint, a field number of 0, groups, a length
/// past the end) by returning false; it never throws.
/// </summary>
internal ref struct ProtoWireReader(ReadOnlySpan<byte> data)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Bytes read so far: with a field's start, the range to copy it verbatim.</summary>
    public readonly int Position => _position;

    /// <summary>The next field's number and wire type; false on malformed input (call only when not <see cref="AtEnd"/>).</summary>
    public bool TryReadTag(out int field, out int wire)
    {
        field = 0;
        wire = 0;
        if (!TryReadVarint(out ulong tag) || tag >> 3 is 0 or > int.MaxValue)
        {
            return false;
        }

        field = (int)(tag >> 3);
        wire = (int)(tag & 7);
        // Groups (3, 4) are deprecated and absent from ONNX; 6 and 7 are not wire types.
        return wire is Varint or Fixed64 or LengthDelimited or Fixed32;
    }

    public bool TryReadVarint(out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                return false;
            }

            byte b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    public bool TryReadLengthDelimited(out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (!TryReadVarint(out ulong length) || length > (ulong)(_data.Length - _position))
        {
            return false;
        }

        payload = _data.Slice(_position, (int)length);
        _position += (int)length;
        return true;
    }

    /// <summary>Skips the value of a field of <paramref name="wire"/> type.</summary>
    public bool TrySkip(int wire)
    {
        switch (wire)
        {
            case Varint:
                return TryReadVarint(out _);
            case LengthDelimited:
                return TryReadLengthDelimited(out _);
            case Fixed64:
                return Advance(8);
            case Fixed32:
                return Advance(4);
            default:
                return false;
        }
    }

    private bool Advance(int count)
    {
        if (_data.Length - _position < count)
        {
            return false;
        }

        _position += count;
        return true;
    }
}
