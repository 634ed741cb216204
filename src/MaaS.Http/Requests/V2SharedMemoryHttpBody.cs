using System.Runtime.CompilerServices;

namespace MaaS.Http.Requests;

/// <summary>Reads <c>POST /v2/systemsharedmemory/region/{name}/register</c>'s body into <see cref="V2SharedMemoryRegisterRequest"/>.</summary>
/// <param name="Key">The POSIX shared memory key.</param>
/// <param name="Offset">Where the region starts in the object (0 when not given).</param>
/// <param name="ByteSize">The region's size in bytes.</param>
internal readonly record struct V2SharedMemoryHttpBody(string Key, long Offset, long ByteSize) : IRequestBody<V2SharedMemoryHttpBody>
{
    public static AcceptsMetadata Accepts => JsonBody.Accepts<V2SharedMemoryRegisterRequest>("application/json", "*/*");

    // Pooled like JsonBody.ReadAsync, so wrapping its result adds no allocation when the read goes async.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<Result<V2SharedMemoryHttpBody>> ReadAsync(HttpRequest request)
    {
        if (!(await JsonBody.ReadAsync(request, V2JsonContext.Web.V2SharedMemoryRegisterRequest)).TryGetValue(out var value, out var error))
        {
            return error;
        }

        if (value.NullMember is { } member)
        {
            return new Error(ErrorCode.InvalidRequest, $"'{member}' is null; null is not a value in a register request");
        }

        return value is { Key: { } key, ByteSize: long size }
            ? new V2SharedMemoryHttpBody(key, value.Offset ?? 0, size)
            : new Error(ErrorCode.InvalidRequest, "a register request needs 'key' (the POSIX shared memory name) and 'byte_size'; 'offset' is optional");
    }
}
