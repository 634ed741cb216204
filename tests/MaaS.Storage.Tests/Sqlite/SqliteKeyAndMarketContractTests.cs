namespace MaaS.Storage.Tests.Sqlite;

/// <summary>The key and market contract against a fresh SQLite file per test.</summary>
public sealed class SqliteKeyAndMarketContractTests() : KeyAndMarketContractTests(new SqliteTestFile())
{
    [Fact]
    public async Task OpenAsync_Twice_KeepsKeys()
    {
        var key = new ApiKeyRecord("abcdef0123", Tenant, "k", ["app"], new string('b', 64), DateTimeOffset.UnixEpoch, null, ApiKeyLimits.Default);
        Assert.True((await Storage.Keys.CreateAsync(key, Ct)).IsSuccess);

        await using var reopened = await OpenAsync();

        Assert.Equal(Tenant, (await reopened.Keys.FindAsync("abcdef0123", Ct)).Value.Tenant);
    }
}
