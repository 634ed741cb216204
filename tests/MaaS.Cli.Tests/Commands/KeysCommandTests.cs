using MaaS.Storage.Keys;

namespace MaaS.Cli.Tests.Commands;

public sealed class KeysCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task KeysCreate_TempSqlite_PrintedKeyVerifiesAgainstTheStoredRecord()
    {
        string database = _temp["maas.db"];

        var run = await MaasCli.RunAsync("keys", "create", "--sqlite", database, "--tenant", "acme", "--name", "ci", "--role", "admin", "--role", "app", "--rps", "7");

        Assert.True(run.ExitCode == 0, run.ToString());
        string key = KeysOutput.Key(run.Output);
        Assert.True(ApiKeyText.TryParse(key, out string keyId, out string secret), $"no well-formed key printed: {run}");
        await using var storage = await TestStorage.OpenSqliteAsync(database);
        var record = (await storage.Keys.FindAsync(keyId, TestContext.Current.CancellationToken)).Value;
        Assert.True(ApiKeyText.Verify(secret, record.SecretHash), $"the printed secret does not match the stored hash: {run}");
        Assert.False(ApiKeyText.Verify(secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'), record.SecretHash));
        Assert.Equal(("acme", "ci", 7.0), (record.Tenant, record.Name, record.Limits.RequestsPerSecond));
        Assert.Equal(new[] { "admin", "app" }, record.Roles.Order());
        Assert.True(record.IsActive);
    }

    [Fact]
    public async Task KeysRevoke_CreatedKey_ListShowsItRevokedAndStoreAgrees()
    {
        string database = _temp["maas.db"];
        var created = await MaasCli.RunAsync("keys", "create", "--sqlite", database, "--tenant", "globex");
        string keyId = KeysOutput.Id(created.Output);

        var revoked = await MaasCli.RunAsync("keys", "revoke", keyId, "--sqlite", database, "--tenant", "globex");
        var listed = await MaasCli.RunAsync("keys", "list", "--sqlite", database, "--tenant", "globex");

        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Contains($"revoked {keyId}", revoked.Output);
        string row = listed.Output.Split('\n').Single(l => l.StartsWith(keyId, StringComparison.Ordinal));
        Assert.Contains("revoked", row);
        await using var storage = await TestStorage.OpenSqliteAsync(database);
        Assert.False((await storage.Keys.FindAsync(keyId, TestContext.Current.CancellationToken)).Value.IsActive);
    }

    [Fact]
    public async Task KeysList_KeysOfTwoTenants_EveryKeyOfTheTenantInCreationOrder()
    {
        // The store's list answers a page at a time now: the command still reads them all.
        string database = _temp["maas.db"];
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            var created = await MaasCli.RunAsync("keys", "create", "--sqlite", database, "--tenant", "initech", "--name", $"k{i}");
            ids.Add(KeysOutput.Id(created.Output));
        }
        await MaasCli.RunAsync("keys", "create", "--sqlite", database, "--tenant", "other");

        var listed = await MaasCli.RunAsync("keys", "list", "--sqlite", database, "--tenant", "initech");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        var rows = listed.Output.Split('\n').Where(l => l.Length > 16 && ids.Contains(l[..16]) || l.Contains(" other ", StringComparison.Ordinal)).ToList();
        Assert.Equal(ids, rows.Select(r => r[..16]));
    }

    [Fact]
    public async Task KeysRevoke_UnknownId_NonZeroExitAndMessage()
    {
        var run = await MaasCli.RunAsync("keys", "revoke", "0123456789abcdef", "--sqlite", _temp["maas.db"]);

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Matches("(?i)not ?found", run.Error);
    }

    [Fact]
    public async Task KeysCreate_SqliteAndPostgresBoth_RefusedBeforeTouchingAnyStore()
    {
        string database = _temp["maas.db"];

        var run = await MaasCli.RunAsync("keys", "create", "--sqlite", database, "--postgres", "Host=127.0.0.1");

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("Give --sqlite or --postgres, not both.", run.Error);
        Assert.False(File.Exists(database), "the SQLite file was created although the command was refused");
    }

    public void Dispose() => _temp.Dispose();
}
