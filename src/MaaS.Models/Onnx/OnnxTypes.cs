using Microsoft.ML.OnnxRuntime.Tensors;

namespace MaaS.Models.Onnx;

/// <summary>Maps ONNX Runtime element types to protocol datatypes.</summary>
internal static class OnnxTypes
{
    public static bool TryMap(TensorElementType type, out TensorDataType dataType)
    {
        switch (type)
        {
            case TensorElementType.Bool: dataType = TensorDataType.Bool; return true;
            case TensorElementType.UInt8: dataType = TensorDataType.Uint8; return true;
            case TensorElementType.Int8: dataType = TensorDataType.Int8; return true;
            case TensorElementType.Int32: dataType = TensorDataType.Int32; return true;
            case TensorElementType.Int64: dataType = TensorDataType.Int64; return true;
            case TensorElementType.Float16: dataType = TensorDataType.Fp16; return true;
            case TensorElementType.Float: dataType = TensorDataType.Fp32; return true;
            case TensorElementType.Double: dataType = TensorDataType.Fp64; return true;
            case TensorElementType.String: dataType = TensorDataType.Bytes; return true;
            default: dataType = default; return false;
        }
    }
}
