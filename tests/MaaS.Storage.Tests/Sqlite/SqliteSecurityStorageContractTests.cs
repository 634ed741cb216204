using MaaS.Storage.Abstractions;
using MaaS.Storage.Sqlite;
using MaaS.Storage.Tests.Contract;

namespace MaaS.Storage.Tests.Sqlite;

/// <summary>The key and market contract against a fresh SQLite file per test, shared with the data stores.</summary>
public sealed class SqliteSecurityStorageContractTests : SecurityStorageContractTests, IDisposable
{
    private readonly TempFolder _folder = new();

    protected override async ValueTask<ISecurityStorage> OpenAsync()
    {
        var options = new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "maas.db") };
        // The data stores open the same file first: the two schema versions must live side by side.
        await using (var data = (await SqliteStorage.OpenAsync(options, cancellationToken: Ct)).Value) { }
        var result = await SqliteSecurityStorage.OpenAsync(options, cancellationToken: Ct);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    [Fact]
    public async Task OpenAsync_Twice_KeepsKeys()
    {
        var key = new ApiKeyRecord("abcdef0123", Tenant, "k", ["app"], new string('b', 64), DateTimeOffset.UnixEpoch, null, ApiKeyLimits.Default);
        Assert.True((await Storage.Keys.CreateAsync(key, Ct)).IsSuccess);

        await using var reopened = await OpenAsync();

        Assert.Equal(Tenant, (await reopened.Keys.FindAsync("abcdef0123", Ct)).Value.Tenant);
    }

    public void Dispose() => _folder.Dispose();
}
