using System.Buffers;
using System.Buffers.Binary;
using System.Text.Unicode;

namespace MaaS.Models.OpenInference;

/// <summary>
/// Triton's binary tensor data encoding: fixed-size elements little-endian in row-major order (BOOL one byte, 0 or 1),
/// BYTES elements each as a 4-byte little-endian length and then that many bytes (UTF-8 here: BYTES tensors are ONNX
/// strings). Decodes straight into the typed arrays <see cref="InferTensor"/> carries and writes them back as bytes,
/// with no per-element boxing. Stateless and thread-safe.
/// </summary>
internal static class V2BinaryTensors
{
    /// <summary>Bytes per element; 0 for BYTES, whose elements vary in size.</summary>
    public static int ElementSize(TensorDataType type) => type switch
    {
        TensorDataType.Bool or TensorDataType.Uint8 or TensorDataType.Int8 => 1,
        TensorDataType.Fp16 => 2,
        TensorDataType.Int32 or TensorDataType.Fp32 => 4,
        TensorDataType.Int64 or TensorDataType.Fp64 => 8,
        _ => 0,
    };

    /// <summary>The elements of <paramref name="data"/> (exactly one input's bytes), or why they are not valid.</summary>
    public static Result<Array> Decode(string name, TensorDataType type, int count, ReadOnlySpan<byte> data)
    {
        if (type == TensorDataType.Bytes)
        {
            return DecodeStrings(name, count, data);
        }

        long expected = (long)count * ElementSize(type);
        if (data.Length != expected)
        {
            return V2Mapping.Invalid($"input '{name}' has binary_data_size {data.Length} but its shape needs {count} {type.ToProtocolName()} elements = {expected} bytes");
        }

        switch (type)
        {
            case TensorDataType.Bool:
                int bad = data.IndexOfAnyExcept((byte)0, (byte)1);
                return bad >= 0
                    ? V2Mapping.Invalid($"input '{name}' element {bad} is byte {data[bad]}; BOOL elements are 0 or 1")
                    : Copy<bool>(data, count);
            case TensorDataType.Uint8: return data.ToArray();
            case TensorDataType.Int8: return Copy<sbyte>(data, count);
            case TensorDataType.Int32: return Copy<int>(data, count);
            case TensorDataType.Int64: return Copy<long>(data, count);
            case TensorDataType.Fp16: return Copy<Half>(data, count);
            case TensorDataType.Fp32: return Copy<float>(data, count);
            case TensorDataType.Fp64: return Copy<double>(data, count);
            default:
                return V2Mapping.Invalid($"input '{name}' has datatype {type.ToProtocolName()}, which has no binary encoding");
        }
    }

    /// <summary>Size of <paramref name="data"/> (a tensor's flat array) in the binary encoding.</summary>
    public static long EncodedSize(Array data)
    {
        if (data is not string[] strings)
        {
            return (long)data.Length * ElementSize(data);
        }

        long size = 0;
        foreach (string s in strings)
        {
            size += sizeof(uint) + Encoding.UTF8.GetByteCount(s);
        }

        return size;
    }

    /// <summary>Writes <paramref name="data"/> (a tensor's flat array) in the binary encoding.</summary>
    public static void Write(IBufferWriter<byte> writer, Array data)
    {
        if (data is string[] strings)
        {
            foreach (string s in strings)
            {
                int length = Encoding.UTF8.GetByteCount(s);
                var span = writer.GetSpan(sizeof(uint) + length);
                BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)length);
                Encoding.UTF8.GetBytes(s, span[sizeof(uint)..]);
                writer.Advance(sizeof(uint) + length);
            }

            return;
        }

        ReadOnlySpan<byte> bytes = RawBytes(data);
        if (BitConverter.IsLittleEndian || ElementSize(data) == 1)
        {
            writer.Write(bytes);
            return;
        }

        byte[] swapped = bytes.ToArray();
        ReverseEndianness(swapped, ElementSize(data));
        writer.Write(swapped);
    }

    /// <summary>
    /// Writes <paramref name="data"/> (a tensor's flat array) in the binary encoding at the start of
    /// <paramref name="destination"/>, which has room for <see cref="EncodedSize"/> bytes (a shared memory region).
    /// </summary>
    public static void Write(Span<byte> destination, Array data)
    {
        if (data is string[] strings)
        {
            int offset = 0;
            foreach (string s in strings)
            {
                int length = Encoding.UTF8.GetBytes(s, destination[(offset + sizeof(uint))..]);
                BinaryPrimitives.WriteUInt32LittleEndian(destination[offset..], (uint)length);
                offset += sizeof(uint) + length;
            }

            return;
        }

        var bytes = RawBytes(data);
        bytes.CopyTo(destination);
        if (!BitConverter.IsLittleEndian && ElementSize(data) > 1)
        {
            ReverseEndianness(destination[..bytes.Length], ElementSize(data));
        }
    }

    // The array's memory as bytes (host order).
    private static ReadOnlySpan<byte> RawBytes(Array data) => data switch
    {
        float[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        double[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        Half[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        long[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        int[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        sbyte[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        byte[] a => a,
        // A CLR bool is one byte holding 0 or 1, which is the protocol's encoding.
        bool[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        _ => throw new NotSupportedException($"No binary encoding for {data.GetType().Name}."),
    };

    private static int ElementSize(Array data) => data switch
    {
        float[] or int[] => 4,
        double[] or long[] => 8,
        Half[] => 2,
        _ => 1,
    };

    private static T[] Copy<T>(ReadOnlySpan<byte> data, int count)
        where T : unmanaged
    {
        var values = new T[count];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        data.CopyTo(bytes);
        if (!BitConverter.IsLittleEndian)
        {
            ReverseEndianness(bytes, Unsafe.SizeOf<T>());
        }

        return values;
    }

    private static void ReverseEndianness(Span<byte> bytes, int elementSize)
    {
        switch (elementSize)
        {
            case 2: var u16 = MemoryMarshal.Cast<byte, ushort>(bytes); BinaryPrimitives.ReverseEndianness(u16, u16); break;
            case 4: var u32 = MemoryMarshal.Cast<byte, uint>(bytes); BinaryPrimitives.ReverseEndianness(u32, u32); break;
            case 8: var u64 = MemoryMarshal.Cast<byte, ulong>(bytes); BinaryPrimitives.ReverseEndianness(u64, u64); break;
        }
    }

    private static Result<Array> DecodeStrings(string name, int count, ReadOnlySpan<byte> data)
    {
        var values = new string[count];
        int offset = 0;
        for (int i = 0; i < count; i++)
        {
            if (data.Length - offset < sizeof(uint))
            {
                return V2Mapping.Invalid($"input '{name}' BYTES element {i}: its 4-byte length prefix runs past the input's binary_data_size {data.Length}");
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
            offset += sizeof(uint);
            if (length > (uint)(data.Length - offset))
            {
                return V2Mapping.Invalid($"input '{name}' BYTES element {i} has length {length}, past the input's binary_data_size {data.Length}");
            }

            var bytes = data.Slice(offset, (int)length);
            if (!Utf8.IsValid(bytes))
            {
                return V2Mapping.Invalid($"input '{name}' BYTES element {i} is not valid UTF-8");
            }

            values[i] = Encoding.UTF8.GetString(bytes);
            offset += (int)length;
        }

        return offset == data.Length
            ? values
            : V2Mapping.Invalid($"input '{name}' has {data.Length - offset} bytes left after its {count} BYTES elements (binary_data_size {data.Length})");
    }
}
