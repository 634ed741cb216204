namespace MaaS.Models.Authoring;

/// <summary>ONNX tensor element types, numbered as <c>TensorProto.DataType</c> in onnx.proto.</summary>
public enum OnnxElementType
{
    /// <summary>32-bit IEEE float.</summary>
    Float = 1,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,
    /// <summary>UTF-8 string.</summary>
    String = 8,
    /// <summary>Boolean.</summary>
    Bool = 9,
    /// <summary>16-bit IEEE float.</summary>
    Float16 = 10,
    /// <summary>64-bit IEEE float.</summary>
    Double = 11,
}
