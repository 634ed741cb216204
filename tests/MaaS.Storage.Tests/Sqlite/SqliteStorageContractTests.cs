using MaaS.Storage.Abstractions;
using MaaS.Storage.Sqlite;
using MaaS.Storage.Tests.Contract;

namespace MaaS.Storage.Tests.Sqlite;

/// <summary>The shared contract against a fresh SQLite file per test (reopen closes and reopens that file).</summary>
public sealed class SqliteStorageContractTests : StorageContractTests
{
    private readonly TempFolder _folder = new();

    protected override async ValueTask<IStorage> OpenAsync()
    {
        var result = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "maas.db") }, cancellationToken: Ct);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
