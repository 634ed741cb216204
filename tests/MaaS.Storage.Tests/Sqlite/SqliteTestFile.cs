namespace MaaS.Storage.Tests.Sqlite;

/// <summary>A fresh SQLite file in a temp folder of its own; every open opens that same file; dispose deletes it.</summary>
/// <param name="defaultPrivacy">The keys of an open that names none (null: the key file beside the database).</param>
internal sealed class SqliteTestFile(PrivacyOptions? defaultPrivacy = null) : IStorageSource, IDisposable
{
    private readonly TempFolder _folder = new();

    public string DatabasePath => Path.Combine(_folder.Path, "maas.db");

    public async ValueTask<IStorage> OpenAsync()
    {
        var result = await TryOpenAsync(null);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    public async ValueTask<Result<IStorage>> TryOpenAsync(PrivacyOptions? privacy)
    {
        var result = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DatabasePath }, privacy ?? defaultPrivacy, cancellationToken: TestContext.Current.CancellationToken);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public void Dispose() => _folder.Dispose();
}
