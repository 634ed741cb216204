using System.Buffers;
using System.Buffers.Binary;

namespace MaaS.Models.Tests.OpenInference;

public sealed class V2BinaryTensorsTests
{
    private static byte[] Encode(Array data)
    {
        var writer = new ArrayBufferWriter<byte>();
        V2BinaryTensors.Write(writer, data);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Builds BYTES data by hand: each element a 4-byte little-endian length, then its bytes.</summary>
    private static byte[] Prefixed(params byte[][] elements)
    {
        var bytes = new List<byte>();
        foreach (var element in elements)
        {
            var prefix = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)element.Length);
            bytes.AddRange(prefix);
            bytes.AddRange(element);
        }

        return [.. bytes];
    }

    private static void AssertInvalid(Result<Array> result, string expected)
    {
        Assert.False(result.IsSuccess, "decoded");
        Assert.Equal(ErrorCode.InvalidRequest, result.Error.Code);
        Assert.True(result.Error.Message.Contains(expected, StringComparison.Ordinal), $"'{result.Error.Message}' lacks '{expected}'");
    }

    [Theory]
    [InlineData(TensorDataType.Bool, 1)]
    [InlineData(TensorDataType.Uint8, 1)]
    [InlineData(TensorDataType.Int8, 1)]
    [InlineData(TensorDataType.Fp16, 2)]
    [InlineData(TensorDataType.Int32, 4)]
    [InlineData(TensorDataType.Fp32, 4)]
    [InlineData(TensorDataType.Int64, 8)]
    [InlineData(TensorDataType.Fp64, 8)]
    [InlineData(TensorDataType.Bytes, 0)]
    public void ElementSize_EveryDatatype_ProtocolSize(TensorDataType type, int expected) =>
        Assert.Equal(expected, V2BinaryTensors.ElementSize(type));

    public static TheoryData<Array, byte[]> LittleEndianLayouts => new()
    {
        { new[] { true, false }, [1, 0] },
        { new byte[] { 0, 200 }, [0, 200] },
        { new sbyte[] { -1, 2 }, [0xFF, 2] },
        { new[] { 1, -2 }, [1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF] },
        { new[] { 0x0102030405060708L }, [8, 7, 6, 5, 4, 3, 2, 1] },
        { new[] { (Half)1f }, [0x00, 0x3C] },
        { new[] { 1f }, [0, 0, 0x80, 0x3F] },
        { new[] { -2.0 }, [0, 0, 0, 0, 0, 0, 0, 0xC0] },
        { new[] { "h\u00e9", "" }, [3, 0, 0, 0, (byte)'h', 0xC3, 0xA9, 0, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(LittleEndianLayouts))]
    public void Write_EveryElementType_ProtocolLayoutAndEncodedSize(Array data, byte[] expected)
    {
        byte[] written = Encode(data);

        Assert.Equal(expected, written);
        Assert.Equal(expected.Length, V2BinaryTensors.EncodedSize(data));
    }

    [Theory]
    [MemberData(nameof(LittleEndianLayouts))]
    public void Decode_ProtocolLayout_TheSameElements(Array expected, byte[] bytes)
    {
        var type = TypeOf(expected);

        var decoded = V2BinaryTensors.Decode("x", type, expected.Length, bytes);

        Assert.True(decoded.IsSuccess, decoded.Error?.Message);
        Assert.Equal(expected.GetType(), decoded.Value.GetType());
        Assert.Equal(expected, decoded.Value);
    }

    // By exact type: the runtime lets a byte[] pass a type test for sbyte[], and the reverse.
    private static TensorDataType TypeOf(Array data) => data.GetType() switch
    {
        var t when t == typeof(bool[]) => TensorDataType.Bool,
        var t when t == typeof(byte[]) => TensorDataType.Uint8,
        var t when t == typeof(sbyte[]) => TensorDataType.Int8,
        var t when t == typeof(int[]) => TensorDataType.Int32,
        var t when t == typeof(long[]) => TensorDataType.Int64,
        var t when t == typeof(Half[]) => TensorDataType.Fp16,
        var t when t == typeof(float[]) => TensorDataType.Fp32,
        var t when t == typeof(double[]) => TensorDataType.Fp64,
        var t when t == typeof(string[]) => TensorDataType.Bytes,
        var t => throw new ArgumentException(t.Name),
    };

    [Fact]
    public void WriteThenDecode_SeededRandomOfEveryTypeAndUnevenLength_RoundTrips()
    {
        var rng = new Random(14);
        const int n = 6 * 512 + 7;
        Array[] inputs =
        [
            Enumerable.Range(0, n).Select(_ => rng.Next(2) == 1).ToArray(),
            Enumerable.Range(0, n).Select(_ => (byte)rng.Next(256)).ToArray(),
            Enumerable.Range(0, n).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray(),
            Enumerable.Range(0, n).Select(_ => rng.Next(int.MinValue, int.MaxValue)).ToArray(),
            Enumerable.Range(0, n).Select(_ => rng.NextInt64(long.MinValue, long.MaxValue)).ToArray(),
            Enumerable.Range(0, n).Select(_ => (Half)(rng.NextDouble() * 100 - 50)).Append(Half.NaN).Append(Half.NegativeInfinity).ToArray(),
            Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2e6 - 1e6)).Append(float.NaN).Append(float.Epsilon).ToArray(),
            Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2e300 - 1e300).Append(double.PositiveInfinity).Append(-0.0).ToArray(),
            Enumerable.Range(0, 300).Select(i => new string((char)('a' + (i % 26)), rng.Next(0, 9)) + (i % 7 == 0 ? "\u00e9\U0001F600" : "")).ToArray(),
        ];

        foreach (var input in inputs)
        {
            byte[] bytes = Encode(input);
            Assert.Equal(bytes.Length, V2BinaryTensors.EncodedSize(input));

            var decoded = V2BinaryTensors.Decode("x", TypeOf(input), input.Length, bytes);

            Assert.True(decoded.IsSuccess, $"{input.GetType().Name}: {decoded.Error?.Message}");
            Assert.Equal(input, decoded.Value);
        }
    }

    [Fact]
    public void Write_StringsLongerThanTheWritersFirstBuffer_EveryElementWhole()
    {
        // Each element asks the writer for its prefix and bytes as one span, which must grow past the first 256 bytes.
        string[] strings = [new string('x', 70_000), "", new string('y', 3)];

        byte[] bytes = Encode(strings);

        Assert.Equal(4 + 70_000 + 4 + 4 + 3, bytes.Length);
        Assert.Equal(strings, V2BinaryTensors.Decode("x", TensorDataType.Bytes, 3, bytes).Value);
    }

    [Fact]
    public void Write_TypeWithoutEncoding_Throws() =>
        Assert.Throws<NotSupportedException>(() => Encode(new ushort[1]));

    [Theory]
    [InlineData(TensorDataType.Int32, 3, 11, "input 'x' has binary_data_size 11 but its shape needs 3 INT32 elements = 12 bytes")]
    [InlineData(TensorDataType.Int32, 3, 13, "binary_data_size 13 but its shape needs 3 INT32 elements = 12 bytes")]
    [InlineData(TensorDataType.Fp64, 2, 8, "binary_data_size 8 but its shape needs 2 FP64 elements = 16 bytes")]
    [InlineData(TensorDataType.Fp16, 1, 4, "binary_data_size 4 but its shape needs 1 FP16 elements = 2 bytes")]
    [InlineData(TensorDataType.Uint8, 0, 1, "binary_data_size 1 but its shape needs 0 UINT8 elements = 0 bytes")]
    [InlineData(TensorDataType.Bool, 4, 0, "binary_data_size 0 but its shape needs 4 BOOL elements = 4 bytes")]
    public void Decode_SizeNotTheShapes_Refused(TensorDataType type, int count, int size, string expected) =>
        AssertInvalid(V2BinaryTensors.Decode("x", type, count, new byte[size]), expected);

    [Fact]
    public void Decode_BoolByteNotZeroOrOne_NamesTheElement() =>
        AssertInvalid(V2BinaryTensors.Decode("m", TensorDataType.Bool, 3, [1, 0, 2]), "input 'm' element 2 is byte 2; BOOL elements are 0 or 1");

    [Fact]
    public void Decode_Uint8_CopiesTheBytes()
    {
        byte[] bytes = [1, 2, 3];

        var decoded = (byte[])V2BinaryTensors.Decode("x", TensorDataType.Uint8, 3, bytes).Value;
        bytes[0] = 9;

        Assert.Equal(new byte[] { 1, 2, 3 }, decoded);
    }

    [Fact]
    public void Decode_BytesLengthPrefixCutShort_Refused() =>
        AssertInvalid(
            V2BinaryTensors.Decode("s", TensorDataType.Bytes, 2, [.. Prefixed("ab"u8.ToArray()), 1, 0]),
            "input 's' BYTES element 1: its 4-byte length prefix runs past the input's binary_data_size 8");

    [Fact]
    public void Decode_BytesLengthPastTheData_Refused()
    {
        byte[] data = Prefixed("abc"u8.ToArray());
        data[0] = 4;

        AssertInvalid(V2BinaryTensors.Decode("s", TensorDataType.Bytes, 1, data), "input 's' BYTES element 0 has length 4, past the input's binary_data_size 7");
    }

    [Fact]
    public void Decode_BytesLengthAboveIntMax_RefusedNotOverflowed()
    {
        byte[] data = [0xFF, 0xFF, 0xFF, 0xFF, 1, 2];

        AssertInvalid(V2BinaryTensors.Decode("s", TensorDataType.Bytes, 1, data), "BYTES element 0 has length 4294967295, past the input's binary_data_size 6");
    }

    [Fact]
    public void Decode_BytesLeftAfterTheElements_Refused() =>
        AssertInvalid(
            V2BinaryTensors.Decode("s", TensorDataType.Bytes, 1, [.. Prefixed("ab"u8.ToArray()), 0, 0, 0]),
            "input 's' has 3 bytes left after its 1 BYTES elements (binary_data_size 9)");

    [Fact]
    public void Decode_BytesNotUtf8_Refused() =>
        AssertInvalid(V2BinaryTensors.Decode("s", TensorDataType.Bytes, 2, Prefixed("ok"u8.ToArray(), [0xC3, 0x28])), "input 's' BYTES element 1 is not valid UTF-8");

    [Fact]
    public void Decode_BytesEmptyElementsAndZeroCount_Accepted()
    {
        Assert.Equal(new[] { "", "" }, V2BinaryTensors.Decode("s", TensorDataType.Bytes, 2, Prefixed([], [])).Value);
        Assert.Empty(V2BinaryTensors.Decode("s", TensorDataType.Bytes, 0, []).Value);
    }

    [Fact]
    public void EncodedSize_Bytes_CountsUtf8NotChars()
    {
        string[] strings = ["\u00e9", "\U0001F600", "a"];

        Assert.Equal(3 * 4 + 2 + 4 + 1, V2BinaryTensors.EncodedSize(strings));
        Assert.Equal(Encoding.UTF8.GetByteCount(string.Concat(strings)) + 12, Encode(strings).Length);
    }
}
