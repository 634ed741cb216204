using MaaS.Storage.Abstractions;
using MaaS.Storage.Sqlite;
using MaaS.Storage.Tests.Contract;

namespace MaaS.Storage.Tests.Sqlite;

/// <summary>The shared contract against a fresh SQLite file per test (reopen closes and reopens that file).</summary>
public sealed class SqliteStorageContractTests : StorageContractTests, IDisposable
{
    private readonly TempFolder _folder = new();

    protected override async ValueTask<IStorage> OpenAsync()
    {
        var result = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "maas.db") }, cancellationToken: Ct);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    public void Dispose() => _folder.Dispose();
}
