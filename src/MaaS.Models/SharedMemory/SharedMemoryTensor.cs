namespace MaaS.Models.SharedMemory;

/// <summary>
/// Where a tensor lies in a registered region, as an input's or requested output's parameters say:
/// <c>shared_memory_region</c>, <c>shared_memory_byte_size</c> and the optional <c>shared_memory_offset</c> (from the
/// region's start).
/// </summary>
/// <param name="Region">The region's registered name.</param>
/// <param name="ByteSize">Bytes of the tensor (an input's exact size; the room an output may fill).</param>
/// <param name="Offset">Where it starts within the region.</param>
public readonly record struct SharedMemoryTensor(string Region, long ByteSize, long Offset)
{
    /// <summary>The parameter naming the region.</summary>
    public const string RegionParameter = "shared_memory_region";

    /// <summary>The parameter giving the tensor's size in bytes.</summary>
    public const string ByteSizeParameter = "shared_memory_byte_size";

    /// <summary>The parameter giving the tensor's start within the region.</summary>
    public const string OffsetParameter = "shared_memory_offset";

    /// <summary>
    /// The tensor's place from the three parameters as found (region null: none given), or why they do not make one:
    /// a byte size or offset without a region, a region without a byte size, a value that is not a whole number ≥ 0.
    /// </summary>
    /// <param name="owner">"input 'x'" or "output 'x'", for the messages.</param>
    /// <param name="region">The region's name, null when absent.</param>
    /// <param name="byteSize">The byte size, null when absent, or a negative value when it was not a whole number ≥ 0.</param>
    /// <param name="offset">The offset, likewise.</param>
    internal static Result<SharedMemoryTensor?> From(string owner, string? region, long? byteSize, long? offset)
    {
        if (region is null)
        {
            return byteSize is null && offset is null
                ? Result<SharedMemoryTensor?>.Ok(null)
                : new Error(ErrorCode.InvalidRequest, $"{owner} has parameters.{ByteSizeParameter} or {OffsetParameter} but no {RegionParameter}");
        }

        if (region.Length == 0)
        {
            return new Error(ErrorCode.InvalidRequest, $"{owner} has an empty parameters.{RegionParameter}");
        }

        if (byteSize is null)
        {
            return new Error(ErrorCode.InvalidRequest, $"{owner} has parameters.{RegionParameter} but no {ByteSizeParameter}");
        }

        if (byteSize < 0 || offset < 0)
        {
            return new Error(ErrorCode.InvalidRequest, $"{owner} has parameters.{(byteSize < 0 ? ByteSizeParameter : OffsetParameter)} that is not a whole number of 0 or more");
        }

        return new SharedMemoryTensor(region, byteSize.Value, offset ?? 0);
    }
}
