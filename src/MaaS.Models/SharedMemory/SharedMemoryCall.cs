using MaaS.Models.OpenInference;

namespace MaaS.Models.SharedMemory;

/// <summary>
/// One infer call's use of shared memory, for either protocol: inputs copied out of regions as they are decoded,
/// outputs written into them as the answer is built. Every region the call names is held from its first use until
/// <see cref="Dispose"/>, so an unregister meanwhile never unmaps memory the call reads or writes. One call, one thread.
/// </summary>
internal sealed class SharedMemoryCall : IDisposable
{
    private readonly SharedMemoryRegistry? _registry;
    private readonly string _tenant;
    private readonly string _model;
    private Dictionary<string, SharedMemoryRegion>? _held;
    private Dictionary<string, SharedMemoryTensor>? _outputs;

    /// <param name="registry">The regions; null when the host serves no shared memory (every use is refused).</param>
    /// <param name="tenant">The caller's tenant, whose regions alone it may use.</param>
    /// <param name="model">The model named in the call, for Triton's byte-size message.</param>
    public SharedMemoryCall(SharedMemoryRegistry? registry, string tenant, string model)
    {
        _registry = registry;
        _tenant = tenant;
        _model = model;
    }

    /// <summary>Whether any output of the call goes to shared memory.</summary>
    public bool HasOutputs => _outputs is not null;

    /// <summary>
    /// The input <paramref name="name"/> read from its place: the bytes must be exactly the tensor's (fixed-size types)
    /// and are decoded as Triton's binary tensor encoding, then copied, so the client may reuse the region at once.
    /// </summary>
    public Result<InferTensor> ReadInput(string name, TensorDataType type, long[] shape, long count, SharedMemoryTensor place)
    {
        if (!Range($"input '{name}'", place).TryGetValue(out var region, out var error))
        {
            return error;
        }

        long expected = count * V2BinaryTensors.ElementSize(type);
        if (type != TensorDataType.Bytes && place.ByteSize != expected)
        {
            return new Error(ErrorCode.InvalidRequest,
                $"input byte size mismatch for input '{name}' for model '{_model}'. Expected {expected}, got {place.ByteSize}");
        }

        var data = V2BinaryTensors.Decode(name, type, (int)count, region.Slice(place.Offset, (int)place.ByteSize));
        return data.TryGetValue(out var array, out error) ? new InferTensor(name, type, shape, array) : error;
    }

    /// <summary>Notes that the output <paramref name="name"/> goes to <paramref name="place"/>, checked against its region now.</summary>
    public Error? AddOutput(string name, SharedMemoryTensor place)
    {
        if (!Range($"output '{name}'", place).TryGetValue(out _, out var error))
        {
            return error;
        }

        (_outputs ??= new(StringComparer.Ordinal))[name] = place;
        return null;
    }

    /// <summary>
    /// Writes the output to its place when the call asked for one: the place as answered (its byte size the bytes
    /// written), null when the output goes back in the answer, or Triton's refusal when the place is too small.
    /// </summary>
    public Result<SharedMemoryTensor?> WriteOutput(InferTensor output)
    {
        if (_outputs is null || !_outputs.TryGetValue(output.Name, out var place))
        {
            return Result<SharedMemoryTensor?>.Ok(null);
        }

        long size = V2BinaryTensors.EncodedSize(output.Data);
        if (size > place.ByteSize)
        {
            return new Error(ErrorCode.InvalidRequest,
                $"shared memory size specified with the request for output '{output.Name}' ({place.ByteSize} bytes) should be at least {size} bytes to hold the results");
        }

        var target = _held![place.Region].Slice(place.Offset, (int)size);
        V2BinaryTensors.Write(target, output.Data);
        return place with { ByteSize = size };
    }

    public void Dispose()
    {
        foreach (var region in _held?.Values ?? Enumerable.Empty<SharedMemoryRegion>())
        {
            region.Release();
        }

        _held = null;
    }

    // The region held for this call, once the place is checked to lie inside it.
    private Result<SharedMemoryRegion> Range(string owner, SharedMemoryTensor place)
    {
        if (_registry is null)
        {
            return SharedMemoryRegistry.Disabled;
        }

        if (_held is null || !_held.TryGetValue(place.Region, out var region))
        {
            if (!_registry.Acquire(_tenant, place.Region).TryGetValue(out region, out var error))
            {
                return error;
            }

            (_held ??= new(StringComparer.Ordinal))[place.Region] = region;
        }

        if (place.Offset > region.ByteSize || place.ByteSize > region.ByteSize - place.Offset || place.ByteSize > int.MaxValue)
        {
            return new Error(ErrorCode.InvalidRequest,
                $"Invalid offset + byte size for shared memory region: '{place.Region}' ({owner}: offset {place.Offset} + byte size {place.ByteSize} > the region's {region.ByteSize} bytes)");
        }

        return region;
    }
}
