using System.ComponentModel.DataAnnotations;

namespace MaaS.Models.SharedMemory;

/// <summary>
/// Triton's system shared memory extension, bound from <c>Serving:SharedMemory</c>. Off by default: it lets an API
/// key's holder have this process map objects of <c>/dev/shm</c>, so an operator turns it on only where the clients
/// run on the same host and are trusted with that.
/// </summary>
public sealed class SharedMemoryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Serving:SharedMemory";

    /// <summary>Serve the extension (<c>/v2/systemsharedmemory</c>, the gRPC calls, shared-memory tensors in infer).</summary>
    public bool Enabled { get; set; }

    /// <summary>Regions one tenant may hold registered at once.</summary>
    [Range(1, 1024)]
    public int MaxRegionsPerTenant { get; set; } = 16;

    /// <summary>Largest region, in bytes, that may be registered (each one is mapped into this process's address space).</summary>
    [Range(1, 1L << 40)]
    public long MaxRegionBytes { get; set; } = 1L << 30;
}

/// <summary>Validates <see cref="SharedMemoryOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
public sealed partial class SharedMemoryOptionsValidator : IValidateOptions<SharedMemoryOptions>;
