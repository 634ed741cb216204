using Microsoft.Data.Sqlite;

namespace MaaS.Storage.Tests.Sqlite;

/// <summary>
/// What the SQLite file itself holds with privacy on, read byte by byte (the database and its WAL): no raw user id,
/// no readable event field when encrypted; the key file; and the migration of a file written by the previous schema.
/// </summary>
public sealed class SqlitePrivacyFileTests : IDisposable
{
    private static readonly string[] Users = ["alice.secret@example.com", "bob-7f3a9c", "user é ✓ 42"];
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());
    private readonly TempFolder _folder = new();

    private string DbPath => Path.Combine(_folder.Path, "maas.db");

    [Fact]
    public async Task RawUserIds_AfterAppendsReadsEraseAndPurge_NeverInTheFileNorTheWal()
    {
        await using var storage = await OpenAsync(null);
        foreach (var (user, u) in Users.Select((user, u) => (user, u)))
        {
            var events = Enumerable.Range(0, 40).Select(i => new InteractionEvent($"ev-{u}-{i}", user, $"i{i % 9}", "play", 1, T0.AddMinutes(i))).ToList();
            Assert.True((await storage.Events.AppendAsync("t", events, Ct)).IsSuccess);
            Assert.Equal(40, (await storage.Events.GetUserHistoryAsync("t", user, 100, Ct)).Value.Count);
            Assert.Equal(user, (await storage.Users.GetAsync("t", user, Ct)).Value.UserId);
        }
        await storage.Events.EraseUserAsync("t", Users[1], Ct);
        await storage.Events.PurgeBeforeAsync("t", T0.AddMinutes(5), 100, Ct);

        Assert.True(File.Exists(DbPath + "-wal"), "the WAL is part of what is searched");
        AssertNoneInFile(Users);
        await storage.DisposeAsync();
        AssertNoneInFile(Users);
    }

    [Fact]
    public async Task Encrypted_FileHoldsNoReadableEventField()
    {
        var events = Enumerable.Range(0, 60)
            .Select(i => new InteractionEvent($"evt-zq-{i}", Users[i % 3], $"itm-zq-{i}", "purchased-zq", 1234.5f + i, T0.AddMinutes(i))).ToList();
        await using (var storage = await OpenAsync(Encrypted()))
        {
            await storage.Events.AppendAsync("t", events, Ct);
            Assert.Equal(events.Where(e => e.UserId == Users[0]).Reverse(), (await storage.Events.GetUserEventsAsync("t", Users[0], Ct)).Value);
            AssertNoneInFile([.. Users, "evt-zq-", "itm-zq-", "purchased-zq"]);
        }

        AssertNoneInFile([.. Users, "evt-zq-", "itm-zq-", "purchased-zq"]);
        var bytes = ReadFiles();
        Assert.DoesNotContain(events, e => Contains(bytes, BitConverter.GetBytes((double)e.Value)));
    }

    [Fact]
    public async Task Encrypted_OpenedWithoutTheKey_FailsAtStartWithAClearError()
    {
        await using (var storage = await OpenAsync(Encrypted()))
        {
            await storage.Events.AppendAsync("t", [Event("a")], Ct);
        }

        var opened = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, new PrivacyOptions { UserKey = Key }, cancellationToken: Ct);

        Assert.Equal(ErrorCode.DependencyUnavailable, opened.Error?.Code);
        Assert.Equal(
            "SQLite database could not be opened: The database holds events encrypted with key 'k1', which Privacy:EncryptionKeys does not hold; they cannot be read without it.",
            opened.Error!.Message);
    }

    [Fact]
    public async Task KeyFile_NoKeyConfigured_CreatedOwnerOnlyAndReusedOnReopen()
    {
        string pseudonym;
        await using (var storage = await OpenAsync(null))
        {
            await storage.Events.AppendAsync("t", [Event("a", user: "alice")], Ct);
            pseudonym = Assert.Single((await storage.Users.ListAsync("t", null, 10, Ct)).Value).UserId;
        }

        var keyFile = Path.Combine(_folder.Path, PrivacyOptions.DefaultKeyFileName);
        await using var reopened = await OpenAsync(null);

        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(keyFile)).Length);
        Assert.Equal(pseudonym, Assert.Single((await reopened.Users.ListAsync("t", null, 10, Ct)).Value).UserId);
        Assert.Single((await reopened.Events.GetUserHistoryAsync("t", "alice", 10, Ct)).Value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenAsync_FileOfThePreviousSchema_KeepsEveryEventAndLeavesNoRawIdOrClearField(bool encrypt)
    {
        // Version 5 (main before privacy): users keyed by user_key, events carrying the raw user id and the key.
        var rows = new StringBuilder();
        var expected = new Dictionary<string, List<InteractionEvent>>(StringComparer.Ordinal);
        for (var u = 0; u < Users.Length; u++)
        {
            rows.Append(CultureInfo.InvariantCulture, $"INSERT INTO users (user_key, tenant, user_id) VALUES ({u + 1}, 't', '{Users[u]}');\n");
            expected[Users[u]] = [];
            for (var i = 0; i < 250; i++)
            {
                var e = new InteractionEvent($"old-{u}-{i}", Users[u], $"itm-zq-{i % 17}", i % 3 == 0 ? "rated-zq" : "played-zq", i % 5 + 0.5f, T0.AddMinutes(i));
                expected[Users[u]].Insert(0, e);
                rows.Append(CultureInfo.InvariantCulture,
                    $"INSERT INTO events (tenant, event_id, user_id, user_key, item_id, type, value, ts) VALUES ('t', '{e.EventId}', '{e.UserId}', {u + 1}, '{e.ItemId}', '{e.Type}', {e.Value.ToString(CultureInfo.InvariantCulture)}, {e.Timestamp.ToUnixTimeMilliseconds()});\n");
            }
        }
        WriteFileAtVersion(5, rows.ToString());

        await using (var storage = await OpenAsync(encrypt ? Encrypted() : new PrivacyOptions { UserKey = Key }))
        {
            Assert.Equal(750, (await storage.Events.CountAsync("t", Ct)).Value);
            Assert.Equal(750, (await ReadAll(storage.Events, "t")).Count);
            foreach (var user in Users)
            {
                Assert.Equal(expected[user], (await storage.Events.GetUserEventsAsync("t", user, Ct)).Value);
                Assert.Equal(new UserRecord(user, T0, T0.AddMinutes(249)), (await storage.Users.GetAsync("t", user, Ct)).Value);
            }
        }

        AssertNoneInFile(encrypt ? [.. Users, "old-", "itm-zq-", "rated-zq", "played-zq"] : Users);
        using var check = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "SELECT max(version) FROM schema_version";
        Assert.Equal((long)SqliteMigrations.Set.LatestVersion, version.ExecuteScalar());
    }

    public void Dispose() => _folder.Dispose();

    private static PrivacyOptions Encrypted() => new()
    {
        UserKey = Key,
        EncryptionKeyId = "k1",
        EncryptionKeys = { ["k1"] = Convert.ToBase64String(Enumerable.Range(50, 32).Select(i => (byte)i).ToArray()) },
    };

    private async Task<IStorage> OpenAsync(PrivacyOptions? privacy)
    {
        var opened = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, privacy, cancellationToken: Ct);
        Assert.True(opened.IsSuccess, opened.ToString());
        return opened.Value;
    }

    /// <summary>Fails naming the first text found (UTF-8, as SQLite stores text) in the database file or its WAL.</summary>
    private void AssertNoneInFile(IEnumerable<string> texts)
    {
        var bytes = ReadFiles();
        foreach (var text in texts)
        {
            Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(text)), $"'{text}' is readable in {DbPath} or its WAL");
        }
    }

    private byte[] ReadFiles()
    {
        var all = new List<byte>();
        foreach (var path in new[] { DbPath, DbPath + "-wal" }.Where(File.Exists))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            all.AddRange(copy.ToArray());
        }
        return [.. all];
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private void WriteFileAtVersion(int version, string rows)
    {
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)";
        command.ExecuteNonQuery();
        for (var v = 1; v <= version; v++)
        {
            command.CommandText = SqliteMigrations.Set.Script(v) + $"; INSERT INTO schema_version (version, applied_at) VALUES ({v}, 0)";
            command.ExecuteNonQuery();
        }
        command.CommandText = rows;
        command.ExecuteNonQuery();
    }
}
