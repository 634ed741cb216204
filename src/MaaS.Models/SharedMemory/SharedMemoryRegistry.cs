using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace MaaS.Models.SharedMemory;

/// <summary>
/// The system shared memory regions registered in this process, each owned by the tenant that registered it: every
/// lookup is by tenant and name, so another tenant's region answers as one that does not exist. The one owner of the
/// mappings for both protocols. Thread-safe.
/// </summary>
public sealed partial class SharedMemoryRegistry : IDisposable
{
    private readonly Dictionary<(string Tenant, string Name), SharedMemoryRegion> _regions = [];
    private readonly Lock _lock = new();
    private readonly SharedMemoryOptions _options;
    private readonly ILogger<SharedMemoryRegistry> _logger;

    /// <summary>Creates the registry; regions are mapped only while <see cref="SharedMemoryOptions.Enabled"/>.</summary>
    public SharedMemoryRegistry(IOptions<SharedMemoryOptions> options, ILogger<SharedMemoryRegistry> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Whether the extension is served.</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>The refusal of every call while the extension is off.</summary>
    internal static Error Disabled { get; } = new(ErrorCode.Unsupported,
        "system shared memory is not enabled on this server (Serving:SharedMemory:Enabled)");

    /// <summary>
    /// Maps <paramref name="byteSize"/> bytes of the POSIX shared memory object <paramref name="key"/> from
    /// <paramref name="offset"/> as the tenant's region <paramref name="name"/>, or says why not: the extension is off, a
    /// bad name or key, a range outside the object, a name already registered, the tenant's bound reached.
    /// </summary>
    public Result<bool> Register(string tenant, string name, string key, long offset, long byteSize)
    {
        if (!Enabled)
        {
            return Disabled;
        }

        if (string.IsNullOrEmpty(name))
        {
            return new Error(ErrorCode.InvalidRequest, "a shared memory region needs a name");
        }

        if (!SharedMemoryKeys.Resolve(key).TryGetValue(out string? path, out var error))
        {
            return error;
        }

        if (offset < 0 || byteSize <= 0 || byteSize > _options.MaxRegionBytes)
        {
            return new Error(ErrorCode.InvalidRequest,
                $"failed to register shared memory region '{name}': offset must be 0 or more and byte_size between 1 and {_options.MaxRegionBytes} (Serving:SharedMemory:MaxRegionBytes), not offset {offset} and byte_size {byteSize}");
        }

        lock (_lock)
        {
            if (_regions.ContainsKey((tenant, name)))
            {
                return new Error(ErrorCode.AlreadyExists, $"shared memory region '{name}' already in manager");
            }

            int held = _regions.Keys.Count(k => k.Tenant == tenant);
            if (held >= _options.MaxRegionsPerTenant)
            {
                LogRefused(_logger, held);
                return new Error(ErrorCode.Conflict,
                    $"failed to register shared memory region '{name}': this tenant already has {held} regions registered, the most allowed (Serving:SharedMemory:MaxRegionsPerTenant); unregister one first");
            }

            if (!Map(name, key, path, offset, byteSize).TryGetValue(out var region, out error))
            {
                return error;
            }

            _regions.Add((tenant, name), region);
            LogRegistered(_logger, byteSize, held + 1);
            return true;
        }
    }

    /// <summary>The tenant's regions in name order; with <paramref name="name"/>, that one or NotFound.</summary>
    internal Result<IReadOnlyList<SharedMemoryRegion>> Status(string tenant, string? name)
    {
        if (!Enabled)
        {
            return Disabled;
        }

        lock (_lock)
        {
            if (!string.IsNullOrEmpty(name))
            {
                return _regions.TryGetValue((tenant, name), out var region)
                    ? new[] { region }
                    : NotFound(name);
            }

            return _regions.Where(r => r.Key.Tenant == tenant).Select(r => r.Value).OrderBy(r => r.Name, StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>
    /// Unregisters the tenant's region <paramref name="name"/>, or all of its regions when it is null or empty. A name
    /// that is not registered is no error, as in Triton. A call reading the region keeps its mapping until it ends.
    /// </summary>
    public Result<bool> Unregister(string tenant, string? name)
    {
        if (!Enabled)
        {
            return Disabled;
        }

        List<SharedMemoryRegion> removed = [];
        lock (_lock)
        {
            foreach (var (key, region) in _regions.Where(r => r.Key.Tenant == tenant && (string.IsNullOrEmpty(name) || r.Key.Name == name)).ToArray())
            {
                _regions.Remove(key);
                removed.Add(region);
            }
        }

        foreach (var region in removed)
        {
            region.Release();
        }

        if (removed.Count > 0)
        {
            LogUnregistered(_logger, removed.Count);
        }

        return true;
    }

    /// <summary>The tenant's region <paramref name="name"/>, held for the caller (who releases it), or NotFound.</summary>
    internal Result<SharedMemoryRegion> Acquire(string tenant, string name)
    {
        if (!Enabled)
        {
            return Disabled;
        }

        lock (_lock)
        {
            // Under the lock a registered region still holds its registration, so TryAcquire cannot fail here.
            return _regions.TryGetValue((tenant, name), out var region) && region.TryAcquire() ? region : NotFound(name);
        }
    }

    /// <summary>Unmaps every region as the host stops; calls still holding one keep it until they end.</summary>
    public void Dispose()
    {
        SharedMemoryRegion[] all;
        lock (_lock)
        {
            all = [.. _regions.Values];
            _regions.Clear();
        }

        foreach (var region in all)
        {
            region.Release();
        }
    }

    // Triton's words for a region it does not have; another tenant's region is one this tenant does not have.
    private static Error NotFound(string name) => new(ErrorCode.NotFound, $"Unable to find system shared memory region: '{name}'");

    private static Result<SharedMemoryRegion> Map(string name, string key, string path, long offset, long byteSize)
    {
        string Failed(string why) => $"failed to register shared memory region '{name}': {why}";
        if (new FileInfo(path).LinkTarget is not null)
        {
            return new Error(ErrorCode.InvalidRequest, Failed($"'{key}' is a symbolic link; only shared memory objects themselves are mapped"));
        }

        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Error(ErrorCode.InvalidRequest, $"Unable to open shared memory region: '{key}'");
        }

        using (handle)
        {
            // The object opened must be the one named: a link swapped in after the check above resolves elsewhere.
            if (!SharedMemoryKeys.IsOpenedAt(handle, path))
            {
                return new Error(ErrorCode.InvalidRequest, Failed($"'{key}' does not resolve to a shared memory object under {SharedMemoryKeys.Root}"));
            }

            long length = RandomAccess.GetLength(handle);
            if (offset > length || byteSize > length - offset)
            {
                return new Error(ErrorCode.InvalidRequest,
                    Failed($"offset {offset} + byte_size {byteSize} runs past the end of '{key}', which has {length} bytes"));
            }

            try
            {
                var file = MemoryMappedFile.CreateFromFile(handle, null, 0, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
                try
                {
                    return new SharedMemoryRegion(name, key, offset, byteSize, file);
                }
                catch
                {
                    file.Dispose();
                    throw;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return new Error(ErrorCode.InvalidRequest, Failed($"'{key}' cannot be mapped ({e.GetType().Name})"));
            }
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Shared memory region registered: {ByteSize} bytes; the tenant now holds {Regions} regions")]
    private static partial void LogRegistered(ILogger logger, long byteSize, int regions);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Shared memory regions unregistered: {Regions}")]
    private static partial void LogUnregistered(ILogger logger, int regions);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Shared memory registration refused: the tenant holds {Regions} regions, the most allowed")]
    private static partial void LogRefused(ILogger logger, int regions);
}
