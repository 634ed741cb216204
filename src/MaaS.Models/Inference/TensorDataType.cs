namespace MaaS.Models.Inference;

/// <summary>Tensor element types the registry serves, named after the Open Inference Protocol datatypes.</summary>
public enum TensorDataType
{
    /// <summary><c>BOOL</c>, carried as <see cref="bool"/>[].</summary>
    Bool,
    /// <summary><c>UINT8</c>, carried as <see cref="byte"/>[].</summary>
    Uint8,
    /// <summary><c>INT8</c>, carried as <see cref="sbyte"/>[].</summary>
    Int8,
    /// <summary><c>INT32</c>, carried as <see cref="int"/>[].</summary>
    Int32,
    /// <summary><c>INT64</c>, carried as <see cref="long"/>[].</summary>
    Int64,
    /// <summary><c>FP16</c>, carried as <see cref="Half"/>[].</summary>
    Fp16,
    /// <summary><c>FP32</c>, carried as <see cref="float"/>[].</summary>
    Fp32,
    /// <summary><c>FP64</c>, carried as <see cref="double"/>[].</summary>
    Fp64,
    /// <summary><c>BYTES</c> (ONNX string tensors), carried as <see cref="string"/>[].</summary>
    Bytes,
}

/// <summary>Names and CLR element types of <see cref="TensorDataType"/> values.</summary>
public static class TensorDataTypes
{
    /// <summary>The protocol name (<c>FP32</c>, <c>INT64</c>, ...).</summary>
    public static string ToProtocolName(this TensorDataType type) => type switch
    {
        TensorDataType.Bool => "BOOL",
        TensorDataType.Uint8 => "UINT8",
        TensorDataType.Int8 => "INT8",
        TensorDataType.Int32 => "INT32",
        TensorDataType.Int64 => "INT64",
        TensorDataType.Fp16 => "FP16",
        TensorDataType.Fp32 => "FP32",
        TensorDataType.Fp64 => "FP64",
        TensorDataType.Bytes => "BYTES",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Parses a protocol name (case-sensitive, as the protocol spells it).</summary>
    public static bool TryParse(string? name, out TensorDataType type)
    {
        switch (name)
        {
            case "BOOL": type = TensorDataType.Bool; return true;
            case "UINT8": type = TensorDataType.Uint8; return true;
            case "INT8": type = TensorDataType.Int8; return true;
            case "INT32": type = TensorDataType.Int32; return true;
            case "INT64": type = TensorDataType.Int64; return true;
            case "FP16": type = TensorDataType.Fp16; return true;
            case "FP32": type = TensorDataType.Fp32; return true;
            case "FP64": type = TensorDataType.Fp64; return true;
            case "BYTES": type = TensorDataType.Bytes; return true;
            default: type = default; return false;
        }
    }

    /// <summary>
    /// Parses a datatype as a model.json writes it: the protocol's name (FP32), or Triton's configuration name
    /// (TYPE_FP32, TYPE_STRING for BYTES).
    /// </summary>
    public static bool TryParseConfigName(string? name, out TensorDataType type) =>
        TryParse(name is "TYPE_STRING" ? "BYTES" : name?.StartsWith("TYPE_", StringComparison.Ordinal) == true ? name[5..] : name, out type);

    /// <summary>The CLR element type of the array that carries this datatype.</summary>
    public static Type ElementType(this TensorDataType type) => type switch
    {
        TensorDataType.Bool => typeof(bool),
        TensorDataType.Uint8 => typeof(byte),
        TensorDataType.Int8 => typeof(sbyte),
        TensorDataType.Int32 => typeof(int),
        TensorDataType.Int64 => typeof(long),
        TensorDataType.Fp16 => typeof(Half),
        TensorDataType.Fp32 => typeof(float),
        TensorDataType.Fp64 => typeof(double),
        TensorDataType.Bytes => typeof(string),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>A new zeroed array of <paramref name="length"/> elements of this datatype.</summary>
    // Typed allocations: Array.CreateInstance goes through reflection, and this runs for every input of every request
    // and every output slice of every batch.
    public static Array NewArray(this TensorDataType type, int length) => type switch
    {
        TensorDataType.Bool => new bool[length],
        TensorDataType.Uint8 => new byte[length],
        TensorDataType.Int8 => new sbyte[length],
        TensorDataType.Int32 => new int[length],
        TensorDataType.Int64 => new long[length],
        TensorDataType.Fp16 => new Half[length],
        TensorDataType.Fp32 => new float[length],
        TensorDataType.Fp64 => new double[length],
        TensorDataType.Bytes => new string[length],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
