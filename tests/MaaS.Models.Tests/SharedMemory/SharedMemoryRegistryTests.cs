using MaaS.Models.SharedMemory;

namespace MaaS.Models.Tests.SharedMemory;

/// <summary>
/// The registry over real <c>/dev/shm</c> objects the tests make: what a key may name, the ranges, the tenants, the
/// bound, and a region unregistered while held (read and written by other threads) staying mapped until released.
/// </summary>
public sealed class SharedMemoryRegistryTests
{
    private static SharedMemoryRegistry Registry(bool enabled = true, int maxRegions = 4) =>
        new(Options.Create(new SharedMemoryOptions { Enabled = enabled, MaxRegionsPerTenant = maxRegions, MaxRegionBytes = 1 << 20 }), NullLogger<SharedMemoryRegistry>.Instance);

    private static void AssertRefused<T>(Result<T> result, ErrorCode code, string part)
    {
        Assert.False(result.IsSuccess, $"expected {code} '{part}', got {result}");
        Assert.True(result.Error!.Code == code && result.Error.Message.Contains(part, StringComparison.Ordinal), $"expected {code} '{part}', got {result.Error}");
    }

    [Theory]
    [InlineData("/input_data", "/dev/shm/input_data")]
    [InlineData("input_data", "/dev/shm/input_data")]
    [InlineData("/a.b-c_d", "/dev/shm/a.b-c_d")]
    public void Resolve_PosixName_UnderDevShm(string key, string path) => Assert.Equal(path, SharedMemoryKeys.Resolve(key).Value);

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/..")]
    [InlineData("..")]
    [InlineData("/.")]
    [InlineData("/../etc/passwd")]
    [InlineData("//etc")]
    [InlineData("/a/b")]
    [InlineData("/a\0b")]
    public void Resolve_NotOneName_Refused(string key) => AssertRefused(SharedMemoryKeys.Resolve(key), ErrorCode.InvalidRequest, "is not a POSIX shared memory name");

    [Fact]
    public void Resolve_NameLongerThan255_Refused() => AssertRefused(SharedMemoryKeys.Resolve("/" + new string('a', 256)), ErrorCode.InvalidRequest, "POSIX");

    [Fact]
    public void Register_ThenStatusAndAcquire_ReadsTheObjectsBytesFromTheOffset()
    {
        using var shm = new SharedMemoryObject(4096);
        shm.Write(100, [1, 2, 3, 4, 5]);
        using var registry = Registry();

        Assert.True(registry.Register("t1", "r", shm.Key, 100, 64).Value);

        var status = Assert.Single(registry.Status("t1", null).Value);
        Assert.Equal(("r", shm.Key, 100L, 64L), (status.Name, status.Key, status.Offset, status.ByteSize));
        var region = registry.Acquire("t1", "r").Value;
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, region.Slice(0, 5).ToArray());
        region.Slice(10, 2).Fill(9);
        region.Release();
        Assert.Equal(new byte[] { 9, 9 }, shm.Read(110, 2));
    }

    [Fact]
    public void Register_OtherTenantsRegion_NotFoundAsAnUnknownOne()
    {
        using var shm = new SharedMemoryObject(64);
        using var registry = Registry();
        Assert.True(registry.Register("t1", "r", shm.Key, 0, 64).IsSuccess);

        AssertRefused(registry.Status("t2", "r"), ErrorCode.NotFound, "Unable to find system shared memory region: 'r'");
        AssertRefused(registry.Acquire("t2", "r"), ErrorCode.NotFound, "Unable to find system shared memory region: 'r'");
        Assert.Empty(registry.Status("t2", null).Value);
        Assert.True(registry.Unregister("t2", "r").IsSuccess);
        Assert.Single(registry.Status("t1", null).Value);
        // The same name is free for another tenant.
        Assert.True(registry.Register("t2", "r", shm.Key, 0, 32).IsSuccess);
    }

    [Theory]
    [InlineData(0, 65, "runs past the end")]
    [InlineData(60, 8, "runs past the end")]
    [InlineData(65, 1, "runs past the end")]
    [InlineData(-1, 8, "offset must be 0 or more")]
    [InlineData(0, 0, "byte_size between 1 and")]
    [InlineData(0, (1 << 20) + 1, "byte_size between 1 and")]
    public void Register_RangeOutsideTheObjectOrBounds_Refused(long offset, long byteSize, string part)
    {
        using var shm = new SharedMemoryObject(64);
        using var registry = Registry();

        AssertRefused(registry.Register("t1", "r", shm.Key, offset, byteSize), ErrorCode.InvalidRequest, part);
        Assert.Empty(registry.Status("t1", null).Value);
    }

    [Fact]
    public void Register_MissingObject_TritonsUnableToOpen()
    {
        using var registry = Registry();
        AssertRefused(registry.Register("t1", "r", "/maas-test-missing-" + Guid.NewGuid().ToString("N"), 0, 8), ErrorCode.InvalidRequest, "Unable to open shared memory region");
    }

    [Fact]
    public void Register_SymbolicLinkInDevShm_Refused()
    {
        using var shm = new SharedMemoryObject(64);
        string link = "/dev/shm/maas-test-link-" + Guid.NewGuid().ToString("N");
        File.CreateSymbolicLink(link, shm.Path);
        try
        {
            using var registry = Registry();
            AssertRefused(registry.Register("t1", "r", link["/dev/shm".Length..], 0, 8), ErrorCode.InvalidRequest, "is a symbolic link");
        }
        finally
        {
            File.Delete(link);
        }
    }

    [Fact]
    public void Register_NameTakenAlreadyExists_BoundReachedConflict()
    {
        using var shm = new SharedMemoryObject(64);
        using var registry = Registry(maxRegions: 2);
        Assert.True(registry.Register("t1", "a", shm.Key, 0, 8).IsSuccess);

        // Triton's own code for a name taken (ALREADY_EXISTS over gRPC, 400 over HTTP).
        AssertRefused(registry.Register("t1", "a", shm.Key, 0, 8), ErrorCode.AlreadyExists, "shared memory region 'a' already in manager");
        Assert.True(registry.Register("t1", "b", shm.Key, 8, 8).IsSuccess);
        AssertRefused(registry.Register("t1", "c", shm.Key, 16, 8), ErrorCode.Conflict, "MaxRegionsPerTenant");
        // The bound is per tenant.
        Assert.True(registry.Register("t2", "c", shm.Key, 16, 8).IsSuccess);
        Assert.True(registry.Unregister("t1", null).IsSuccess);
        Assert.Empty(registry.Status("t1", null).Value);
        Assert.Single(registry.Status("t2", null).Value);
    }

    [Fact]
    public void EveryCall_Disabled_Unsupported()
    {
        using var shm = new SharedMemoryObject(64);
        using var registry = Registry(enabled: false);

        AssertRefused(registry.Register("t1", "r", shm.Key, 0, 8), ErrorCode.Unsupported, "Serving:SharedMemory:Enabled");
        AssertRefused(registry.Status("t1", null), ErrorCode.Unsupported, "not enabled");
        AssertRefused(registry.Unregister("t1", null), ErrorCode.Unsupported, "not enabled");
        AssertRefused(registry.Acquire("t1", "r"), ErrorCode.Unsupported, "not enabled");
    }

    [Fact]
    public void Unregister_WhileHeld_MappingStaysUntilTheLastRelease()
    {
        using var shm = new SharedMemoryObject(4096);
        shm.Write(0, Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());
        using var registry = Registry();
        Assert.True(registry.Register("t1", "r", shm.Key, 0, 4096).IsSuccess);
        var held = registry.Acquire("t1", "r").Value;

        Assert.True(registry.Unregister("t1", "r").IsSuccess);

        AssertRefused(registry.Acquire("t1", "r"), ErrorCode.NotFound, "'r'");
        Assert.Equal(Enumerable.Range(0, 256).Select(i => (byte)i), held.Slice(0, 256).ToArray());
        held.Release();
        Assert.False(held.TryAcquire(), "the last release unmaps the region; nothing may hold it again");
    }

    [Fact]
    public async Task Unregister_RacingReadersAndWriters_EveryHeldReadSeesTheObject()
    {
        using var shm = new SharedMemoryObject(1 << 16);
        byte[] pattern = [.. Enumerable.Range(0, 1 << 16).Select(i => (byte)(i * 7))];
        shm.Write(0, pattern);
        using var registry = Registry();
        int reads = 0, missing = 0;
        using var stop = new CancellationTokenSource();

        var readers = Enumerable.Range(0, 4).Select(reader => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!registry.Acquire("t1", "r").TryGetValue(out var region, out _))
                {
                    Interlocked.Increment(ref missing);
                    continue;
                }

                // A held region reads the object's bytes even if it was unregistered meanwhile.
                Assert.True(region.Slice(0, pattern.Length).SequenceEqual(pattern), "a held region read other bytes");
                region.Release();
                Interlocked.Increment(ref reads);
            }
        })).ToArray();

        // At least 300 cycles, and on until the race has gone both ways (a loaded machine may schedule readers late).
        for (int cycle = 0; cycle < 300 || (Volatile.Read(ref reads) == 0 || Volatile.Read(ref missing) == 0) && cycle < 1_000_000; cycle++)
        {
            Assert.True(registry.Register("t1", "r", shm.Key, 0, pattern.Length).IsSuccess, $"cycle {cycle}");
            Thread.Yield();
            Assert.True(registry.Unregister("t1", "r").IsSuccess);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.True(reads > 0 && missing > 0, $"the race ran both ways: {reads} reads, {missing} misses");
    }

    [Fact]
    public void Validator_ZeroRegionsOrBytes_Refused()
    {
        var validator = new SharedMemoryOptionsValidator();
        Assert.True(validator.Validate(null, new SharedMemoryOptions()).Succeeded);
        Assert.True(validator.Validate(null, new SharedMemoryOptions { MaxRegionsPerTenant = 0 }).Failed);
        Assert.True(validator.Validate(null, new SharedMemoryOptions { MaxRegionBytes = 0 }).Failed);
    }
}
