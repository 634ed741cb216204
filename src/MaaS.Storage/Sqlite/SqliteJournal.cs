using System.Buffers.Binary;

namespace MaaS.Storage.Sqlite;

/// <summary>
/// An append-only, fsynced log of every mutation, kept next to the database file (<c>&lt;db&gt;-journal.maas</c>)
/// in <see cref="SqliteDurability.Journal"/> mode. A mutation is acknowledged once its record is on disk here;
/// SQLite itself then runs with <c>synchronous=NORMAL</c>. The point is write volume: a batch of 500 events is
/// ~40 KB here, while the SQLite WAL pages it dirties (random positions in the per-user index) are ~2 MB, and
/// fsyncing the latter per batch was the bottleneck. After a crash the records since the last completed checkpoint
/// are replayed in order; every record is idempotent (appends dedupe by event id, erases and upserts converge).
/// Record framing: u32 payload length, u64 FNV-1a of the payload, payload. A torn tail (crash mid-write) fails the
/// length or checksum test and is cut off; it was never acknowledged.
/// Not thread-safe: used under the database's write lock. The file is held exclusively by one process.
/// </summary>
internal sealed class SqliteJournal : IDisposable
{
    private const int HeaderSize = 12;
    private readonly FileStream _file;

    private SqliteJournal(FileStream file) => _file = file;

    public long Length => _file.Length;

    /// <summary>Opens (creating) the journal; null when another process holds it.</summary>
    public static SqliteJournal? TryOpen(string path)
    {
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            file.Seek(0, SeekOrigin.End);
            return new SqliteJournal(file);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Appends one record and fsyncs; returns only once it is on stable storage.</summary>
    public void Append(ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[4..], Fnv1a(payload));
        var start = _file.Length;
        try
        {
            _file.Write(header);
            _file.Write(payload);
            _file.Flush(flushToDisk: true);
        }
        catch
        {
            // Leave no half record behind for the next append to follow.
            _file.SetLength(start);
            _file.Seek(start, SeekOrigin.Begin);
            throw;
        }
    }

    /// <summary>Every complete record from the start, in order; cuts off a torn or corrupt tail.</summary>
    public List<byte[]> ReadAll()
    {
        var records = new List<byte[]>();
        _file.Seek(0, SeekOrigin.Begin);
        var header = new byte[HeaderSize];
        long good = 0;
        while (true)
        {
            if (_file.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize) break;
            var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (length > _file.Length - _file.Position) break;
            var payload = new byte[length];
            _file.ReadExactly(payload);
            if (Fnv1a(payload) != BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(4))) break;
            records.Add(payload);
            good = _file.Position;
        }
        if (good != _file.Length)
        {
            _file.SetLength(good);
            _file.Flush(flushToDisk: true);
        }
        _file.Seek(0, SeekOrigin.End);
        return records;
    }

    /// <summary>Empties the journal; call only once everything in it is durable in the database file.</summary>
    public void Truncate()
    {
        _file.SetLength(0);
        _file.Flush(flushToDisk: true);
        _file.Seek(0, SeekOrigin.Begin);
    }

    public void Dispose() => _file.Dispose();

    private static ulong Fnv1a(ReadOnlySpan<byte> data)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in data) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }
}
