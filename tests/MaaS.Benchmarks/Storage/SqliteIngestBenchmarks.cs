using MaaS.Storage.Abstractions;
using MaaS.Storage.Sqlite;

namespace MaaS.Benchmarks.Storage;

/// <summary>
/// <see cref="IngestBenchmarks"/> into a SQLite file in the temp folder with synchronous=FULL (the WAL is fsynced
/// before an append returns). events/s = 500 / Median (Mean also carries the iterations that met a checkpoint or
/// another process's burst). With concurrent callers the store's writer commits the queued batches together (one
/// fsync for several batches).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class SqliteIngestBenchmarks : IngestBenchmarks
{
    private string _folder = "";

    protected override IStorage Open()
    {
        _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "maas-bench-" + Guid.NewGuid().ToString("N"))).FullName;
        var opened = SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = Path.Combine(_folder, "bench.db"), Durability = SqliteDurability.Full })
            .AsTask().GetAwaiter().GetResult();
        return opened.IsSuccess ? opened.Value : throw new InvalidOperationException(opened.Error.Message);
    }

    protected override void Remove() => Directory.Delete(_folder, recursive: true);
}
