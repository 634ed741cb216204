using MaaS.Storage.Abstractions;
using MaaS.Storage.Sqlite;
using MaaS.Storage.Tests.Contract;

namespace MaaS.Storage.Tests.Sqlite;

/// <summary>The key and market contract against a fresh SQLite file per test.</summary>
public sealed class SqliteKeyAndMarketContractTests : KeyAndMarketContractTests
{
    private readonly TempFolder _folder = new();

    protected override async ValueTask<IStorage> OpenAsync()
    {
        var result = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "maas.db") }, cancellationToken: Ct);
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

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
