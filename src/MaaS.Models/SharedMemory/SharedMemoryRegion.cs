using System.IO.MemoryMappedFiles;

namespace MaaS.Models.SharedMemory;

/// <summary>
/// One registered region: <see cref="ByteSize"/> bytes of a <c>/dev/shm</c> object from <see cref="Offset"/>, mapped
/// read-write into this process while anyone holds it. The registration is one hold and every call that reads or writes
/// it takes another (<see cref="TryAcquire"/>); the mapping is released when the last hold goes, so an unregister
/// while an inference copies from it leaves that copy reading mapped memory. Thread-safe.
/// </summary>
internal sealed unsafe class SharedMemoryRegion
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _start;
    private int _holds = 1;

    public SharedMemoryRegion(string name, string key, long offset, long byteSize, MemoryMappedFile file)
    {
        Name = name;
        Key = key;
        Offset = offset;
        ByteSize = byteSize;
        _file = file;
        _view = file.CreateViewAccessor(offset, byteSize, MemoryMappedFileAccess.ReadWrite);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        // The view starts at the page boundary below the offset; PointerOffset is how far into it the region begins.
        _start = pointer + _view.PointerOffset;
    }

    /// <summary>The name the client registered it under.</summary>
    public string Name { get; }

    /// <summary>The POSIX shared memory key, as registered.</summary>
    public string Key { get; }

    /// <summary>Where the region starts in the object, in bytes.</summary>
    public long Offset { get; }

    /// <summary>The region's size in bytes.</summary>
    public long ByteSize { get; }

    /// <summary>Adds a hold, unless the last one is already gone (the region was unregistered and released).</summary>
    public bool TryAcquire()
    {
        int holds = Volatile.Read(ref _holds);
        while (holds > 0)
        {
            int seen = Interlocked.CompareExchange(ref _holds, holds + 1, holds);
            if (seen == holds)
            {
                return true;
            }

            holds = seen;
        }

        return false;
    }

    /// <summary>Drops a hold; the last one unmaps the region.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _holds) == 0)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
        }
    }

    /// <summary>
    /// <paramref name="length"/> bytes from <paramref name="offset"/> within the region. The caller holds the region
    /// and has checked the range against <see cref="ByteSize"/>; the span is valid until it releases its hold.
    /// </summary>
    public Span<byte> Slice(long offset, int length)
    {
        Debug.Assert(offset >= 0 && length >= 0 && offset + length <= ByteSize, "range checked by the caller");
        return new Span<byte>(_start + offset, length);
    }
}
