using MaaS.Models.SharedMemory;

namespace MaaS.Models.OpenInference;

/// <summary>
/// Turns protocol tensors into typed <see cref="InferTensor"/>s, or the first problem as an InvalidRequest: JSON <c>data</c>,
/// or (binary tensor data extension) <c>parameters.binary_data_size</c> bytes of the request's binary part.
/// </summary>
internal static class V2TensorCodec
{
    /// <summary>Largest tensor accepted, in elements (the body limit bounds it further).</summary>
    public const long MaxElements = 16 * 1024 * 1024;

    /// <summary>The input parameter that says its data is binary, and how many bytes of it.</summary>
    public const string BinaryDataSize = "binary_data_size";

    /// <summary>Decodes every input in order; binary inputs consume <paramref name="binary"/> in turn, which must be used up exactly.</summary>
    /// <param name="inputs">The request's inputs.</param>
    /// <param name="binary">The binary part of the body (after the JSON); empty without one.</param>
    /// <param name="hasBinaryPart">Whether the request carried <c>Inference-Header-Content-Length</c>.</param>
    /// <param name="sharedMemory">The call's shared memory, which inputs with <c>shared_memory_region</c> are read from; null refuses them.</param>
    /// <returns>The tensors, or the first problem.</returns>
    public static Result<InferTensor[]> DecodeAll(
        IReadOnlyList<V2InferInput> inputs, ReadOnlySpan<byte> binary, bool hasBinaryPart, SharedMemoryCall? sharedMemory = null)
    {
        var tensors = new InferTensor[inputs.Count];
        int offset = 0;
        for (int i = 0; i < tensors.Length; i++)
        {
            if (!Decode(inputs[i], binary, hasBinaryPart, sharedMemory, ref offset).TryGetValue(out var tensor, out var error))
            {
                return error;
            }

            tensors[i] = tensor;
        }

        if (offset != binary.Length)
        {
            return V2Mapping.Invalid($"the binary_data_size of the inputs add up to {offset} bytes but the body has {binary.Length} bytes after the JSON header");
        }

        return tensors;
    }

    private static Result<InferTensor> Decode(V2InferInput input, ReadOnlySpan<byte> binary, bool hasBinaryPart, SharedMemoryCall? sharedMemory, ref int offset)
    {
        if (string.IsNullOrEmpty(input.Name))
        {
            return V2Mapping.Invalid("every input needs a name");
        }

        if (!TensorDataTypes.TryParse(input.Datatype, out var type))
        {
            return V2Mapping.Invalid($"input '{input.Name}' has an unknown datatype '{input.Datatype}'");
        }

        if (input.Shape is not { } shape)
        {
            return V2Mapping.Invalid($"input '{input.Name}' has no shape");
        }

        long count = ShapeMath.Product(shape);
        if (count < 0)
        {
            return V2Mapping.Invalid($"input '{input.Name}' has a negative dimension in shape {ShapeMath.Format(shape)}");
        }

        if (count > MaxElements)
        {
            return V2Mapping.Invalid($"input '{input.Name}' has {count} elements; at most {MaxElements} are accepted");
        }

        if (!BinarySize(input).TryGetValue(out long? binarySize, out var error))
        {
            return error;
        }

        if (!SharedMemoryPlace(input.Parameters, $"input '{input.Name}'").TryGetValue(out var place, out error))
        {
            return error;
        }

        if (place is { } shared)
        {
            if (input.Data.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null) || binarySize is not null)
            {
                return V2Mapping.Invalid($"input '{input.Name}' has parameters.{SharedMemoryTensor.RegionParameter} and also 'data' or parameters.{BinaryDataSize}; give one");
            }

            return sharedMemory is null ? SharedMemoryRegistry.Disabled : sharedMemory.ReadInput(input.Name, type, shape, count, shared);
        }

        if (binarySize is long size)
        {
            if (input.Data.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                return V2Mapping.Invalid($"input '{input.Name}' has both 'data' and parameters.{BinaryDataSize}; give one");
            }

            if (!hasBinaryPart)
            {
                return V2Mapping.Invalid($"input '{input.Name}' has parameters.{BinaryDataSize} but the request has no Inference-Header-Content-Length header");
            }

            if (size > binary.Length - offset)
            {
                return V2Mapping.Invalid($"input '{input.Name}' has {BinaryDataSize} {size} but only {binary.Length - offset} bytes of binary data are left in the body");
            }

            var data = V2BinaryTensors.Decode(input.Name, type, (int)count, binary.Slice(offset, (int)size));
            offset += (int)size;
            return data.TryGetValue(out var array, out error) ? new InferTensor(input.Name, type, shape, array) : error;
        }

        if (input.Data.ValueKind != JsonValueKind.Array)
        {
            return V2Mapping.Invalid($"input '{input.Name}' needs 'data' as a JSON array, or parameters.{BinaryDataSize} with binary data after the JSON");
        }

        var elements = input.Data.Decoded ?? V2JsonTensorReader.Read(input.Data.Element, input.Name, type, (int)count);
        if (elements.Name != input.Name || elements.Type != type || elements.Expected != count)
        {
            return V2Mapping.Invalid($"input '{input.Name}' gives its name, datatype or shape again after its data; give each member once");
        }

        if (elements.Error is not null)
        {
            return V2Mapping.Invalid(elements.Error);
        }

        if (elements.Found != count)
        {
            return V2Mapping.Invalid($"input '{input.Name}' has {elements.Found} elements but shape {ShapeMath.Format(shape)} needs {count}");
        }

        return new InferTensor(input.Name, type, shape, elements.Data);
    }

    private static Result<long?> BinarySize(V2InferInput input)
    {
        if (input.Parameters is null || !input.Parameters.TryGetValue(BinaryDataSize, out var value))
        {
            return Result<long?>.Ok(null);
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long bytes) && bytes >= 0
            ? bytes
            : V2Mapping.Invalid($"input '{input.Name}' has parameters.{BinaryDataSize} {Describe(value)}; a non-negative integer is expected");
    }

    /// <summary>
    /// A tensor's place in shared memory from its JSON parameters (Triton's <c>shared_memory_region</c>,
    /// <c>shared_memory_byte_size</c>, <c>shared_memory_offset</c>), null when it has none, or why they are wrong.
    /// </summary>
    internal static Result<SharedMemoryTensor?> SharedMemoryPlace(Dictionary<string, JsonElement>? parameters, string owner)
    {
        if (parameters is null || !(parameters.ContainsKey(SharedMemoryTensor.RegionParameter)
            || parameters.ContainsKey(SharedMemoryTensor.ByteSizeParameter) || parameters.ContainsKey(SharedMemoryTensor.OffsetParameter)))
        {
            return Result<SharedMemoryTensor?>.Ok(null);
        }

        string? region = null;
        if (parameters.TryGetValue(SharedMemoryTensor.RegionParameter, out var name))
        {
            if (name.ValueKind != JsonValueKind.String)
            {
                return V2Mapping.Invalid($"{owner} has parameters.{SharedMemoryTensor.RegionParameter} {Describe(name)}; a string is expected");
            }

            region = name.GetString();
        }

        static long? Whole(Dictionary<string, JsonElement> parameters, string key) =>
            !parameters.TryGetValue(key, out var value) ? null
            : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long whole) && whole >= 0 ? whole
            : -1;

        return SharedMemoryTensor.From(owner, region, Whole(parameters, SharedMemoryTensor.ByteSizeParameter), Whole(parameters, SharedMemoryTensor.OffsetParameter));
    }

    private static string Describe(JsonElement item)
    {
        string raw = item.GetRawText();
        return raw.Length <= 32 ? raw : raw[..32] + "...";
    }
}
