namespace MaaS.Models.OpenInference;

/// <summary>Body of <c>POST /v2/systemsharedmemory/region/{name}/register</c>: which POSIX shared memory object, and which bytes of it.</summary>
internal sealed record V2SharedMemoryRegisterRequest
{
    /// <summary>The object's POSIX name, as the client's <c>shm_open</c> took it (<c>/input_data</c>).</summary>
    public string? Key { get; set => field = V2NullCheck.Note(value, "key", ref _null); }

    /// <summary>Where the region starts in the object, in bytes; 0 when absent.</summary>
    public long? Offset { get; set => field = V2NullCheck.Note(value, "offset", ref _null); }

    /// <summary>The region's size in bytes.</summary>
    [JsonPropertyName("byte_size")]
    public long? ByteSize { get; set => field = V2NullCheck.Note(value, "byte_size", ref _null); }

    /// <summary>The first member the JSON gave as null, or null.</summary>
    internal string? NullMember => _null;

    private string? _null;
}

/// <summary>One registered system shared memory region, as its status answers it.</summary>
/// <param name="Name">The region's name.</param>
/// <param name="Key">The POSIX shared memory key.</param>
/// <param name="Offset">Where the region starts in the object.</param>
/// <param name="ByteSize">The region's size in bytes.</param>
internal sealed record V2SharedMemoryRegionStatus(string Name, string Key, long Offset, [property: JsonPropertyName("byte_size")] long ByteSize);
