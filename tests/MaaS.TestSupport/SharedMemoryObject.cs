using System.Runtime.InteropServices;

namespace MaaS.TestSupport;

/// <summary>
/// A POSIX shared memory object a test makes itself, as a client's <c>shm_open</c> would: the file
/// <c>/dev/shm/maas-test-…</c> of the given number of zero bytes, written and read with plain file I/O (not the
/// gateway's code), deleted on dispose.
/// </summary>
public sealed class SharedMemoryObject : IDisposable
{
    public SharedMemoryObject(long size)
    {
        Assert.True(Directory.Exists("/dev/shm"), "/dev/shm is missing: these tests need Linux's POSIX shared memory");
        using var stream = new FileStream(Path, FileMode.CreateNew, FileAccess.Write);
        stream.SetLength(size);
    }

    /// <summary>The key a client registers: <c>/maas-test-…</c>.</summary>
    public string Key { get; } = "/maas-test-" + Guid.NewGuid().ToString("N");

    /// <summary>The object's path on Linux.</summary>
    public string Path => "/dev/shm" + Key;

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/>.</summary>
    public void Write(long offset, ReadOnlySpan<byte> bytes)
    {
        using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Write);
        RandomAccess.Write(handle, bytes, offset);
    }

    /// <summary>Writes <paramref name="values"/> little-endian at <paramref name="offset"/>.</summary>
    public void Write(long offset, float[] values) => Write(offset, MemoryMarshal.AsBytes(values.AsSpan()));

    /// <summary>The <paramref name="count"/> bytes at <paramref name="offset"/>.</summary>
    public byte[] Read(long offset, int count)
    {
        var bytes = new byte[count];
        using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read);
        Assert.Equal(count, RandomAccess.Read(handle, bytes, offset));
        return bytes;
    }

    /// <summary>The <paramref name="count"/> floats at <paramref name="offset"/>.</summary>
    public float[] ReadFloats(long offset, int count) => MemoryMarshal.Cast<byte, float>(Read(offset, count * sizeof(float))).ToArray();

    public void Dispose() => File.Delete(Path);
}
