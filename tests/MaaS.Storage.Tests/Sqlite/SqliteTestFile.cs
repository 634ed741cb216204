namespace MaaS.Storage.Tests.Sqlite;

/// <summary>A fresh SQLite file in a temp folder of its own; every open opens that same file; dispose deletes it.</summary>
internal sealed class SqliteTestFile : IStorageSource, IDisposable
{
    private readonly TempFolder _folder = new();

    public async ValueTask<IStorage> OpenAsync()
    {
        var options = new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "maas.db") };
        var result = await SqliteStorage.OpenAsync(options, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    public void Dispose() => _folder.Dispose();
}
