using MaaS.Models.SharedMemory;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary>
/// Triton's shared memory extensions: system shared memory (<c>/v2/systemsharedmemory</c>), each region the caller's
/// tenant's own, over <see cref="SharedMemoryRegistry"/>; CUDA shared memory (<c>/v2/cudasharedmemory</c>) answered
/// as Triton built without GPU support answers it. Registering and unregistering need an admin key.
/// </summary>
internal static class SharedMemoryEndpoints
{
    private const string RegisterDescription =
        "Maps byte_size bytes from offset of the POSIX shared memory object 'key' (as shm_open takes it: '/name', which is /dev/shm/name) " +
        "as the region {name} of the caller's tenant. Inputs whose parameters name it (shared_memory_region, shared_memory_byte_size, " +
        "shared_memory_offset) are read from it and outputs so named are written to it. Only when Serving:SharedMemory:Enabled; " +
        "the key must be one name under /dev/shm (no '..', no further '/', no link); offset + byte_size within the object; " +
        "at most Serving:SharedMemory:MaxRegionsPerTenant regions per tenant (409 beyond); 409 for a name already registered.";

    public static RouteGroupBuilder MapSharedMemoryV2(this RouteGroupBuilder v2)
    {
        var system = v2.MapGroup("/systemsharedmemory").RequireAuthorization(MaaSPolicies.App);
        system.MapGet("/status", (SharedMemoryRegistry registry, HttpContext context) => Status(registry, context, null))
            .WithName("V2SystemSharedMemoryStatus")
            .WithSummary("The caller's tenant's registered system shared memory regions: name, key, offset, byte_size.");
        system.MapGet("/region/{name}/status", (string name, SharedMemoryRegistry registry, HttpContext context) => Status(registry, context, name))
            .WithName("V2SystemSharedMemoryRegionStatus")
            .WithSummary("One region of the caller's tenant; 404 when it has none of that name.");
        system.MapPost("/region/{name}/register", Register)
            .RequireAuthorization(MaaSPolicies.Admin)
            .WithName("V2SystemSharedMemoryRegister")
            .WithRequestExample("""{"key":"/input_data","offset":0,"byte_size":64}""")
            .WithSummary("Registers a system shared memory region for the caller's tenant.")
            .WithDescription(RegisterDescription);
        system.MapPost("/unregister", (SharedMemoryRegistry registry, HttpContext context) => Unregister(registry, context, null))
            .RequireAuthorization(MaaSPolicies.Admin)
            .WithName("V2SystemSharedMemoryUnregisterAll")
            .WithSummary("Unregisters every region of the caller's tenant; calls reading one finish first.");
        system.MapPost("/region/{name}/unregister", (string name, SharedMemoryRegistry registry, HttpContext context) => Unregister(registry, context, name))
            .RequireAuthorization(MaaSPolicies.Admin)
            .WithName("V2SystemSharedMemoryUnregister")
            .WithSummary("Unregisters one region of the caller's tenant (a name it does not have is no error, as in Triton).");

        var cuda = v2.MapGroup("/cudasharedmemory").RequireAuthorization(MaaSPolicies.App);
        cuda.MapGet("/status", () => V2Json.Ok(Array.Empty<V2SharedMemoryRegionStatus>(), V2JsonContext.Web.V2SharedMemoryRegionStatusArray))
            .WithName("V2CudaSharedMemoryStatus")
            .WithSummary("Always empty: this server has no GPU shared memory, as Triton built without GPU support.");
        cuda.MapGet("/region/{name}/status", (string name) => new V2Error<SharedMemoryErrors>(CudaSharedMemory.NotFound(name)))
            .WithName("V2CudaSharedMemoryRegionStatus")
            .WithSummary("Always 404, with Triton's words.");
        cuda.MapPost("/region/{name}/register", (string name) => new V2Error<SharedMemoryErrors>(CudaSharedMemory.Unsupported(name)))
            .RequireAuthorization(MaaSPolicies.Admin)
            .WithName("V2CudaSharedMemoryRegister")
            .WithSummary("Always 400 'GPUs not supported', as Triton built without GPU support.");
        cuda.MapPost("/unregister", TypedResults.Ok)
            .RequireAuthorization(MaaSPolicies.Admin)
            .WithName("V2CudaSharedMemoryUnregisterAll")
            .WithSummary("Nothing to unregister: 200.");
        cuda.MapPost("/region/{name}/unregister", (string name) => TypedResults.Ok())
            .RequireAuthorization(MaaSPolicies.Admin)
            .WithName("V2CudaSharedMemoryUnregister")
            .WithSummary("Nothing to unregister: 200.");
        return v2;
    }

    private static Results<V2Json<V2SharedMemoryRegionStatus[]>, V2Error<SharedMemoryErrors>> Status(SharedMemoryRegistry registry, HttpContext context, string? name) =>
        registry.Status(context.GetTenant(), name).TryGetValue(out var regions, out var error)
            ? V2Json.Ok(regions.Select(r => new V2SharedMemoryRegionStatus(r.Name, r.Key, r.Offset, r.ByteSize)).ToArray(), V2JsonContext.Web.V2SharedMemoryRegionStatusArray)
            : new V2Error<SharedMemoryErrors>(error);

    // Triton answers register and unregister with 200 and an empty body.
    private static Results<Ok, V2Error<SharedMemoryErrors>> Register(string name, Body<V2SharedMemoryHttpBody> body, SharedMemoryRegistry registry, HttpContext context) =>
        body.Result.TryGetValue(out var read, out var error)
        && registry.Register(context.GetTenant(), name, read.Key, read.Offset, read.ByteSize).TryGetValue(out _, out error)
            ? TypedResults.Ok()
            : new V2Error<SharedMemoryErrors>(error);

    private static Results<Ok, V2Error<SharedMemoryErrors>> Unregister(SharedMemoryRegistry registry, HttpContext context, string? name) =>
        registry.Unregister(context.GetTenant(), name).TryGetValue(out _, out var error) ? TypedResults.Ok() : new V2Error<SharedMemoryErrors>(error);
}
