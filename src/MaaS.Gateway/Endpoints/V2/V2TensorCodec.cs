using System.Text.Json;
using MaaS.Gateway.Contracts.V2;
using MaaS.Models.Inference;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary>Turns protocol JSON tensors into typed <see cref="InferTensor"/>s, reporting the first problem as text.</summary>
internal static class V2TensorCodec
{
    /// <summary>Largest tensor accepted over JSON, in elements (the body limit bounds it further).</summary>
    public const long MaxElements = 16 * 1024 * 1024;

    public static InferTensor? Decode(V2InferInput input, out string? error)
    {
        if (string.IsNullOrEmpty(input.Name))
        {
            error = "every input needs a name";
            return null;
        }

        if (!TensorDataTypes.TryParse(input.Datatype, out var type))
        {
            error = $"input '{input.Name}' has an unknown datatype '{input.Datatype}'";
            return null;
        }

        if (input.Shape is not { } shape)
        {
            error = $"input '{input.Name}' has no shape";
            return null;
        }

        long count = ShapeMath.Product(shape);
        if (count < 0)
        {
            error = $"input '{input.Name}' has a negative dimension in shape {ShapeMath.Format(shape)}";
            return null;
        }

        if (count > MaxElements)
        {
            error = $"input '{input.Name}' has {count} elements; at most {MaxElements} are accepted";
            return null;
        }

        if (input.Data.ValueKind != JsonValueKind.Array)
        {
            error = $"input '{input.Name}' needs 'data' as a JSON array (binary data is not supported)";
            return null;
        }

        var decoder = new Decoder(input.Name, type, (int)count);
        decoder.Walk(input.Data, 0);
        if (decoder.Error is not null)
        {
            error = decoder.Error;
            return null;
        }

        if (decoder.Count != count)
        {
            error = $"input '{input.Name}' has {decoder.Count} elements but shape {ShapeMath.Format(shape)} needs {count}";
            return null;
        }

        error = null;
        return new InferTensor(input.Name, type, shape, decoder.Data);
    }

    private sealed class Decoder(string name, TensorDataType type, int expected)
    {
        private const int MaxDepth = 32;

        public Array Data { get; } = type.NewArray(expected);

        public long Count { get; private set; }

        public string? Error { get; private set; }

        public void Walk(JsonElement element, int depth)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (Error is not null)
                {
                    return;
                }

                if (item.ValueKind == JsonValueKind.Array)
                {
                    if (depth >= MaxDepth)
                    {
                        Error = $"input '{name}' nests data deeper than {MaxDepth} levels";
                        return;
                    }

                    Walk(item, depth + 1);
                    continue;
                }

                if (Count >= expected)
                {
                    // Keep counting (without storing) so the message can say how many there were.
                    Count++;
                    continue;
                }

                if (!TrySet((int)Count, item))
                {
                    Error = $"input '{name}' element {Count} ({Describe(item)}) is not a valid {type.ToProtocolName()} value";
                    return;
                }

                Count++;
            }
        }

        private bool TrySet(int index, JsonElement item)
        {
            switch (type)
            {
                case TensorDataType.Fp32 when item.ValueKind == JsonValueKind.Number && item.TryGetSingle(out float f):
                    ((float[])Data)[index] = f;
                    return true;
                case TensorDataType.Fp64 when item.ValueKind == JsonValueKind.Number && item.TryGetDouble(out double d):
                    ((double[])Data)[index] = d;
                    return true;
                case TensorDataType.Fp16 when item.ValueKind == JsonValueKind.Number && item.TryGetSingle(out float h):
                    ((Half[])Data)[index] = (Half)h;
                    return true;
                case TensorDataType.Int64 when item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out long l):
                    ((long[])Data)[index] = l;
                    return true;
                case TensorDataType.Int32 when item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out int i):
                    ((int[])Data)[index] = i;
                    return true;
                case TensorDataType.Int8 when item.ValueKind == JsonValueKind.Number && item.TryGetSByte(out sbyte s):
                    ((sbyte[])Data)[index] = s;
                    return true;
                case TensorDataType.Uint8 when item.ValueKind == JsonValueKind.Number && item.TryGetByte(out byte b):
                    ((byte[])Data)[index] = b;
                    return true;
                case TensorDataType.Bool when item.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    ((bool[])Data)[index] = item.GetBoolean();
                    return true;
                case TensorDataType.Bytes when item.ValueKind == JsonValueKind.String:
                    ((string[])Data)[index] = item.GetString()!;
                    return true;
                default:
                    return false;
            }
        }

        private static string Describe(JsonElement item)
        {
            string raw = item.GetRawText();
            return raw.Length <= 32 ? raw : raw[..32] + "...";
        }
    }
}
