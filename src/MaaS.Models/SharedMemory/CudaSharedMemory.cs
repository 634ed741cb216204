namespace MaaS.Models.SharedMemory;

/// <summary>
/// Triton's CUDA shared memory extension as Triton built without GPU support answers it, over both protocols: no
/// region is ever registered, and a registration is refused with its words.
/// </summary>
internal static class CudaSharedMemory
{
    /// <summary>A registration: Triton's INVALID_ARG.</summary>
    public static Error Unsupported(string name) => new(ErrorCode.InvalidRequest, $"failed to register CUDA shared memory region: '{name}', GPUs not supported");

    /// <summary>One region's status: Triton's NOT_FOUND, in its words (it names system shared memory here too).</summary>
    public static Error NotFound(string name) => new(ErrorCode.NotFound, $"Unable to find system shared memory region: '{name}'");
}
