using MaaS.Storage.Abstractions;
using MaaS.Storage.Hosting;
using MaaS.Storage.Sqlite;

namespace MaaS.TestSupport;

/// <summary>Opens a SQLite store as the gateway and the CLI do: to look at what one of them wrote, or to set a test's world up.</summary>
public static class TestStorage
{
    /// <summary>The store of the SQLite file at <paramref name="path"/> (created when missing), or the test failed with the reason; the caller disposes it.</summary>
    public static async Task<IStorage> OpenSqliteAsync(string path, SqliteDurability durability = SqliteDurability.Full)
    {
        var opened = await StorageFactory.OpenAsync(
            new StorageOptions { Sqlite = { Path = path, Durability = durability } }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(opened.IsSuccess, $"opening {path}: {opened.Error}");
        return opened.Value;
    }
}
