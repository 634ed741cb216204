using System.Buffers.Binary;

namespace MaaS.Models.Onnx.Quantization;

/// <summary>
/// Appends protobuf wire format to a growing buffer: fields copied verbatim from a <see cref="ProtoWireReader"/> range
/// and new ones, so a rewrite keeps every field it does not understand byte for byte. Not thread-safe.
/// </summary>
internal sealed class ProtoWireWriter
{
    private readonly MemoryStream _buffer = new();

    public void WriteRaw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public void WriteVarintField(int field, long value)
    {
        WriteVarint((ulong)field << 3);
        WriteVarint((ulong)value);
    }

    public void WriteFloatField(int field, float value)
    {
        WriteVarint(((ulong)field << 3) | ProtoWireReader.Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    public void WriteBytesField(int field, ReadOnlySpan<byte> payload)
    {
        WriteVarint(((ulong)field << 3) | ProtoWireReader.LengthDelimited);
        WriteVarint((ulong)payload.Length);
        _buffer.Write(payload);
    }

    public void WriteStringField(int field, string value) => WriteBytesField(field, Encoding.UTF8.GetBytes(value));

    public void WriteMessageField(int field, ProtoWireWriter message) => WriteBytesField(field, message.ToSpan());

    public ReadOnlySpan<byte> ToSpan() => _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);

    public byte[] ToArray() => _buffer.ToArray();

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _buffer.WriteByte((byte)value);
    }
}
