using Microsoft.Data.Sqlite;

namespace MaaS.Storage.Tests.Sqlite;

/// <summary>SQLite-only behaviour: file settings and schema versioning.</summary>
public sealed class SqliteStorageTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DbPath => Path.Combine(_folder.Path, "sub", "maas.db");

    [Theory]
    [InlineData(SqliteDurability.Full)]
    [InlineData(SqliteDurability.Normal)]
    public async Task OpenAsync_AnyDurability_WalModeAndLatestSchemaVersion(SqliteDurability durability)
    {
        await using var storage = (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath, Durability = durability }, cancellationToken: Ct)).Value;
        await storage.Events.AppendAsync("t", [Event("a")], Ct);

        using var connection = OpenFile();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal((long)SqliteMigrations.Set.LatestVersion, Scalar(connection, "SELECT max(version) FROM schema_version"));
        Assert.Equal(1, (await storage.Events.CountAsync("t", Ct)).Value);
    }

    [Fact]
    public async Task OpenAsync_TwiceOnSameFile_MigratesOnceAndKeepsData()
    {
        await using (var first = await OpenStorageAsync())
        {
            await first.Events.AppendAsync("t", [Event("a")], Ct);
        }
        await using var second = await OpenStorageAsync();

        using var connection = OpenFile();
        Assert.Equal((long)SqliteMigrations.Set.LatestVersion, Scalar(connection, "SELECT count(*) FROM schema_version"));
        Assert.Equal((long)SqliteSecurityMigrations.Set.LatestVersion, Scalar(connection, "SELECT count(*) FROM security_schema_version"));
        Assert.Equal(1, (await second.Events.CountAsync("t", Ct)).Value);
    }

    [Fact]
    public async Task OpenAsync_WhileAnotherStorageOnTheFileHasReadersPooled_SecondOneWrites()
    {
        // Readers are pooled with PRAGMA query_only = ON; a second storage in the same process (the CLI creating a key
        // beside a running gateway, a test host) must not get one of them as its writer.
        await using var first = await OpenStorageAsync();
        await first.Events.AppendAsync("t", [Event("a")], Ct);
        Assert.Equal(1, (await first.Events.CountAsync("t", Ct)).Value);

        var opened = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, cancellationToken: Ct);
        Assert.True(opened.IsSuccess, opened.ToString());
        await using var second = opened.Value;
        var appended = await second.Events.AppendAsync("t", [Event("b")], Ct);

        Assert.True(appended.IsSuccess, appended.ToString());
        Assert.Equal(2, (await first.Events.CountAsync("t", Ct)).Value);
    }

    [Fact]
    public async Task OpenAsync_FileWithDataTablesOnly_AddsKeyAndMarketTablesAndKeepsEvents()
    {
        // A file written before keys and the market existed: the latest data schema and no security_schema_version.
        WriteOldFile(SqliteMigrations.Set.LatestVersion, "INSERT INTO users (tenant, user_id) VALUES ('t', 'u1'); " +
            "INSERT INTO events (tenant, event_id, user_id, user_key, item_id, type, value, ts) VALUES ('t', 'old', 'u1', 1, 'i1', 'play', 1, 0)");

        await using var storage = await OpenStorageAsync();
        var key = new ApiKeyRecord("abcdef0123", "t", "k", ["app"], new string('b', 64), DateTimeOffset.UnixEpoch, null, ApiKeyLimits.Default);
        var created = await storage.Keys.CreateAsync(key, Ct);
        var claimed = await storage.Market.ClaimAsync("t", "churn", ModelVisibility.Public, Ct);

        Assert.True(created.IsSuccess, created.ToString());
        Assert.Equal("t", claimed.Value.Owner);
        Assert.Equal(["old"], (await storage.Events.GetUserHistoryAsync("t", "u1", 10, Ct)).Value.Select(e => e.EventId));
        using var check = OpenFile();
        Assert.Equal((long)SqliteSecurityMigrations.Set.LatestVersion, Scalar(check, "SELECT max(version) FROM security_schema_version"));
        Assert.Equal((long)SqliteMigrations.Set.LatestVersion, Scalar(check, "SELECT count(*) FROM schema_version"));
    }

    [Theory]
    [InlineData("schema_version", 99)]
    [InlineData("security_schema_version", 77)]
    public async Task OpenAsync_TableFamilyNewerThanBuild_UnavailableError(string versionTable, int version)
    {
        await using (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, cancellationToken: Ct) is var r && r.IsSuccess ? r.Value : null) { }
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            Scalar(connection, $"INSERT INTO {versionTable} (version, applied_at) VALUES ({version}, 0) RETURNING version");
        }

        var reopened = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, cancellationToken: Ct);

        Assert.Equal(ErrorCode.DependencyUnavailable, reopened.Error?.Code);
        Assert.Contains(version.ToString(CultureInfo.InvariantCulture), reopened.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_PathIsADirectory_UnavailableError()
    {
        Directory.CreateDirectory(DbPath);

        var result = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, cancellationToken: Ct);

        Assert.Equal(ErrorCode.DependencyUnavailable, result.Error?.Code);
    }

    [Fact]
    public async Task OpenAsync_VersionOneFile_DropsTenantIndexAndKeepsEventsStreamable()
    {
        WriteOldFile(1, "INSERT INTO events (tenant, event_id, user_id, item_id, type, value, ts) VALUES ('t', 'old', 'u1', 'i1', 'play', 1, 0)");

        await using var storage = await OpenStorageAsync();
        await storage.Events.AppendAsync("t", [Event("new")], Ct);
        var streamed = new List<string>();
        await foreach (var page in storage.Events.StreamAllAsync("t", cancellationToken: Ct))
        {
            streamed.AddRange(page.Select(e => e.EventId));
        }

        Assert.Equal(["old", "new"], streamed);
        using var check = OpenFile();
        Assert.Equal(0L, Scalar(check, "SELECT count(*) FROM sqlite_master WHERE name = 'ix_events_tenant'"));
        Assert.Equal((long)SqliteMigrations.Set.LatestVersion, Scalar(check, "SELECT max(version) FROM schema_version"));
    }

    [Fact]
    public async Task OpenAsync_VersionTwoFile_KeysUsersAndKeepsHistoriesSpansAndErasure()
    {
        // Version 2 rows: the same user id in two tenants, and u2 in t only. Minutes from T0 as Unix ms.
        var t0 = T0.ToUnixTimeMilliseconds();
        WriteOldFile(2, $"""
            INSERT INTO events (tenant, event_id, user_id, item_id, type, value, ts) VALUES
                ('t', 'a', 'u1', 'i1', 'play', 1, {t0 + 60_000}),
                ('t', 'b', 'u1', 'i2', 'play', 1, {t0 + 180_000}),
                ('other', 'a', 'u1', 'i9', 'play', 1, {t0}),
                ('t', 'c', 'u2', 'i3', 'like', 1, {t0 + 120_000});
            INSERT INTO users (tenant, user_id, first_seen, last_seen) VALUES
                ('t', 'u1', {t0 + 60_000}, {t0 + 180_000}), ('other', 'u1', {t0}, {t0}), ('t', 'u2', {t0 + 120_000}, {t0 + 120_000});
            """);

        await using var storage = await OpenStorageAsync();
        await storage.Events.AppendAsync("t", [Event("d", item: "i4", minutes: 5)], Ct);

        Assert.Equal(["d", "b", "a"], (await storage.Events.GetUserHistoryAsync("t", "u1", 10, Ct)).Value.Select(e => e.EventId));
        Assert.Equal(["i9"], (await storage.Events.GetUserHistoryAsync("other", "u1", 10, Ct)).Value.Select(e => e.ItemId));
        Assert.Equal(new UserRecord("u1", T0.AddMinutes(1), T0.AddMinutes(5)), (await storage.Users.GetAsync("t", "u1", Ct)).Value);
        Assert.Equal(new UserRecord("u1", T0, T0), (await storage.Users.GetAsync("other", "u1", Ct)).Value);
        Assert.Equal(2L, (await storage.Users.CountAsync("t", Ct)).Value);
        Assert.Equal(new EraseResult(3, true), (await storage.Events.EraseUserAsync("t", "u1", Ct)).Value);
        Assert.Equal(["c"], (await storage.Events.GetUserHistoryAsync("t", "u2", 10, Ct)).Value.Select(e => e.EventId));
        Assert.Single((await storage.Events.GetUserHistoryAsync("other", "u1", 10, Ct)).Value);
        using var check = OpenFile();
        Assert.Equal(0L, Scalar(check, "SELECT count(*) FROM events WHERE user_key NOT IN (SELECT user_key FROM users)"));
        Assert.Equal((long)SqliteMigrations.Set.LatestVersion, Scalar(check, "SELECT max(version) FROM schema_version"));
    }

    [Fact]
    public async Task OpenAsync_VersionThreeFile_ItemsEnterTheChangeFeedBeforeNewWrites()
    {
        WriteOldFile(3, """
            INSERT INTO items (tenant, item_id, kind, title, genres, tags, text, available_from, available_until, updated_at) VALUES
                ('t', 'b', 'movie', 'B', '["Drama"]', '[]', NULL, NULL, NULL, 0),
                ('t', 'a', 'song', 'A', '[]', '["live"]', 'text', '2025-01-01', NULL, 0),
                ('other', 'z', 'game', 'Z', '[]', '[]', NULL, NULL, NULL, 0);
            """);

        await using var storage = await OpenStorageAsync();
        var old = (await storage.Catalog.GetChangesAsync("t", 0, 100, Ct)).Value;
        await storage.Catalog.UpsertAsync("t", [Item("new")], Ct);
        var all = (await storage.Catalog.GetChangesAsync("t", 0, 100, Ct)).Value;

        Assert.Equal(["a", "b"], old.Select(c => c.ItemId));
        Assert.Equal(["text", null], old.Select(c => c.Item?.Text));
        Assert.Equal(["a", "b", "new"], all.Select(c => c.ItemId));
        Assert.Equal(["z"], (await storage.Catalog.GetChangesAsync("other", 0, 100, Ct)).Value.Select(c => c.ItemId));
        Assert.Equal(all[^1].Sequence, (await storage.Catalog.GetLatestSequenceAsync(Ct)).Value);
        Assert.Equal(4L, all[^1].Sequence);
    }

    [Fact]
    public async Task OpenAsync_AgentsVersionOneFile_EveryLoggedDecisionActiveFromItsDecision()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            Execute(connection, "CREATE TABLE agents_schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
            Execute(connection, SqliteAgentMigrations.Set.Script(1));
            Execute(connection, "INSERT INTO agents_schema_version (version, applied_at) VALUES (1, 0)");
            Execute(connection, """
                INSERT INTO agent_decisions (decision_id, tenant, agent, context, actions, chosen, probability, decided_at, reward, reward_source, rewarded_at)
                VALUES ('open', 't', 'npc', '{}', '[]', 'a', 0.5, 1000, NULL, 0, NULL), ('rewarded', 't', 'npc', '{}', '[]', 'a', 0.5, 2000, 1, 1, 3000)
                """);
        }

        await using var storage = await OpenStorageAsync();
        var log = (await storage.Agents.ReadAsync("t", "npc", 0, 10, Ct)).Value;
        var expired = (await storage.Agents.ExpireAsync("t", "npc", DateTimeOffset.FromUnixTimeMilliseconds(1500), 0, 10, Ct)).Value;

        Assert.Equal([(false, 1000L), (false, 2000L)], log.Select(d => (d.Inactive, d.ActivatedAt!.Value.ToUnixTimeMilliseconds())));
        Assert.Equal(["open"], expired.Select(d => d.DecisionId));
    }

    [Fact]
    public async Task OpenAsync_VersionNineFile_EventsKeepTheirSeqsAndADeletedNewestSeqIsNeverGivenAgain()
    {
        WriteOldFile(9, """
            INSERT INTO users (tenant, user_id) VALUES ('t', 'u1'), ('t', 'u2');
            INSERT INTO events (seq, tenant, event_id, user_id, user_key, item_id, type, value, ts, sealed, recommendation_id) VALUES
                (4, 't', 'a', 'u1', 1, 'i1', 'play', 1, 0, NULL, 'r1'), (9, 't', 'b', 'u2', 2, 'i2', 'like', 2, 60000, NULL, NULL);
            """);

        await using var storage = await OpenStorageAsync();
        Assert.Equal(1, (await storage.Events.EraseUserAsync("t", "u2", Ct)).Value.EventsDeleted);
        Assert.True((await storage.Events.AppendAsync("t", [Event("c", user: "u1")], Ct)).IsSuccess);

        using var check = OpenFile();
        Assert.Equal("4:a:r1,10:c:-", Scalar(check, "SELECT group_concat(seq || ':' || event_id || ':' || coalesce(recommendation_id, '-'), ',') FROM (SELECT * FROM events ORDER BY seq)"));
        Assert.Equal(["c", "a"], (await storage.Events.GetUserHistoryAsync("t", "u1", 10, Ct)).Value.Select(e => e.EventId));
        Assert.Equal(0L, Scalar(check, "SELECT count(*) FROM sqlite_master WHERE name = 'events_v9'"));
    }

    [Fact]
    public async Task OpenAsync_AgentsVersionThreeFile_DecisionsKeepTheirSeqsAndADeletedNewestSeqIsNeverGivenAgain()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            Execute(connection, "CREATE TABLE agents_schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
            for (var v = 1; v <= 3; v++)
            {
                Execute(connection, SqliteAgentMigrations.Set.Script(v));
                Execute(connection, $"INSERT INTO agents_schema_version (version, applied_at) VALUES ({v}, 0)");
            }
            Execute(connection, """
                INSERT INTO agent_decisions (seq, decision_id, tenant, agent, context, actions, chosen, probability, decided_at, activated_at, learned_in)
                VALUES (3, 'kept', 't', 'npc', '{}', '[]', 'a', 0.5, 1000, 1000, 7), (8, 'pruned', 't', 'npc', '{}', '[]', 'a', 0.5, 2000, 2000, NULL)
                """);
        }

        await using var storage = await OpenStorageAsync();
        using (var prune = OpenFile())
        {
            Execute(prune, "DELETE FROM agent_decisions WHERE decision_id = 'pruned'");
        }
        var appended = (await storage.Agents.AppendAsync(new AgentDecision("new", "t", "npc", "{}", "[]", "a", 0.5, DateTimeOffset.FromUnixTimeMilliseconds(3000)), Ct)).Value;

        Assert.Equal(9L, appended.Sequence);
        Assert.Equal([(3L, "kept"), (9L, "new")], (await storage.Agents.ReadAsync("t", "npc", 0, 10, Ct)).Value.Select(d => (d.Sequence, d.DecisionId)));
        Assert.Equal([9L], (await storage.Agents.ReadUnlearntAsync("t", "npc", 7, 0, 10, Ct)).Value.Select(d => d.Sequence));
    }

    [Theory]
    [InlineData(SqliteEventStore.HistorySql)]
    [InlineData(SqliteQueries.UserSpanSql + " WHERE u.tenant = $tenant AND u.user_id = $user")]
    public async Task UserReads_SeekTheUserKeyRange_NoScanNoSort(string sql)
    {
        await using (var storage = await OpenStorageAsync())
        {
            await storage.Events.AppendAsync("t", Events(50), Ct);
        }

        var plan = QueryPlan(sql, "$tenant", "$user", "$limit");

        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal) || step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.Contains("USING COVERING INDEX ix_events_user (user_key=?", StringComparison.Ordinal)
            || step.Contains("USING INDEX ix_events_user (user_key=?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UserItemsRead_SeeksTheUserKeyRange_NoScan()
    {
        await using (var storage = await OpenStorageAsync())
        {
            await storage.Events.AppendAsync("t", Events(50), Ct);
        }

        var plan = QueryPlan(SqliteEventStore.ItemsSql, "$tenant", "$user");

        // DISTINCT may use a temporary b-tree over the user's own rows; what must not happen is a walk of the table.
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.Contains("INDEX ix_events_user (user_key=?", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(SqliteEventStore.StreamSql)]
    [InlineData(SqliteEventStore.StreamSinceSql)]
    public async Task StreamPage_WalksTheRowidRange_NoIndexNoSort(string sql)
    {
        await using (var storage = await OpenStorageAsync())
        {
            await storage.Events.AppendAsync("t", Events(50), Ct);
        }
        var plan = QueryPlan(sql, "$tenant", "$after", "$end", "$limit", "$since");

        var step = Assert.Single(plan);
        Assert.Contains("INTEGER PRIMARY KEY (rowid>? AND rowid<?)", step, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SqliteJobStore.PurgeEndedSql, "jobs", "ix_jobs_ended (finished_at<?)", "$before", "$except")]
    [InlineData(SqliteJobStore.PurgeTenantEndedSql, "jobs", "ix_jobs_tenant_ended (tenant=? AND finished_at<?)", "$before", "$tenant")]
    [InlineData(SqliteFileStore.PurgeExpiredSql, "files", "ix_files_expiry (expires_at<?)", "$now", "$now")]
    public async Task RetentionBatch_SeeksItsIndex_NoScanNoSort(string sql, string table, string index, string cutoff, string scope)
    {
        await using (await OpenStorageAsync())
        {
        }

        var plan = QueryPlan(sql, [.. new[] { cutoff, "$limit", "$bytes", scope }.Distinct()]);

        Assert.DoesNotContain(plan, step => step.Contains($"SCAN {table}", StringComparison.Ordinal) || step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.Contains($"INDEX {index}", StringComparison.Ordinal));
    }

    public void Dispose() => _folder.Dispose();

    private async Task<SqliteStorage> OpenStorageAsync() =>
        (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, cancellationToken: Ct)).Value;

    /// <summary>The file on a plain connection, for what the storage API does not show (schema, indexes, plans).</summary>
    private SqliteConnection OpenFile()
    {
        var connection = new SqliteConnection($"Data Source={DbPath}");
        connection.Open();
        return connection;
    }

    private List<string> QueryPlan(string sql, params string[] parameters)
    {
        using var connection = OpenFile();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in parameters)
        {
            command.Parameters.AddWithValue(name, 0);
        }

        var plan = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    /// <summary>A file as version <paramref name="version"/> of the schema left it, holding <paramref name="rows"/>.</summary>
    private void WriteOldFile(int version, string rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        Execute(connection, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
        for (var v = 1; v <= version; v++)
        {
            Execute(connection, SqliteMigrations.Set.Script(v));
            Execute(connection, $"INSERT INTO schema_version (version, applied_at) VALUES ({v}, 0)");
        }
        Execute(connection, rows);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
