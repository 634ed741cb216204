using Npgsql;

namespace MaaS.Storage.Tests.Postgres;

/// <summary>PostgreSQL-only behaviour: migration under concurrent replicas, option errors, the resilience seam.</summary>
public sealed class PostgresStorageTests(PostgresServer server) : IClassFixture<PostgresServer>
{

    [Fact]
    public async Task OpenAsync_FourReplicasOnAFreshSchema_AllSucceedAndMigrateOnce()
    {
        if (server.SkipReason is not null)
        {
            Assert.Skip(server.SkipReason);
        }

        var schema = "maas_race_" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            var opens = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
                PostgresStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = server.ConnectionString, Schema = schema }, cancellationToken: Ct).AsTask(), Ct)));

            Assert.All(opens, o => Assert.True(o.IsSuccess, o.ToString()));
            await opens[0].Value.Events.AppendAsync("t", [Event("a")], Ct);
            Assert.Equal(1, (await opens[3].Value.Events.CountAsync("t", Ct)).Value);
            foreach (var o in opens)
            {
                await o.Value.DisposeAsync();
            }

            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync(Ct);
            await using var count = new NpgsqlCommand(
                $"SELECT (SELECT count(*) FROM \"{schema}\".schema_version) + (SELECT count(*) FROM \"{schema}\".security_schema_version)", connection);
            Assert.Equal((long)(PostgresMigrations.Set.LatestVersion + PostgresSecurityMigrations.Set.LatestVersion), await count.ExecuteScalarAsync(Ct));
        }
        finally
        {
            await server.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task OpenAsync_SchemaWithDataTablesOnly_AddsKeyAndMarketTablesAndKeepsEvents()
    {
        if (server.SkipReason is not null)
        {
            Assert.Skip(server.SkipReason);
        }

        var schema = "maas_old_" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            // A schema written before keys and the market existed: the data tables alone, holding one event.
            await using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                await connection.OpenAsync(Ct);
                await PostgresMigrations.Set.ApplyAsync(connection, $"\"{schema}\"", schema, Ct);
                await using var insert = new NpgsqlCommand(
                    $"INSERT INTO \"{schema}\".events (tenant, event_id, user_id, item_id, type, value, ts) VALUES ('t', 'old', 'u1', 'i1', 'play', 1, now())", connection);
                await insert.ExecuteNonQueryAsync(Ct);
            }

            var opened = await PostgresStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = server.ConnectionString, Schema = schema }, cancellationToken: Ct);
            await using var storage = opened.Value;
            var claimed = await storage.Market.ClaimAsync("t", "churn", ModelVisibility.Tenant, Ct);

            Assert.Equal("t", claimed.Value.Owner);
            Assert.Equal(0L, (await storage.Keys.CountActiveAdminsAsync("t", Ct)).Value);
            Assert.Equal(1L, (await storage.Events.CountAsync("t", Ct)).Value);
        }
        finally
        {
            await server.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task OpenAsync_SchemaOfThePreviousDataVersion_KeepsEveryEventAndHashesEveryUserIdInPlace()
    {
        if (server.SkipReason is not null)
        {
            Assert.Skip(server.SkipReason);
        }

        var schema = "maas_v3_" + Guid.NewGuid().ToString("N")[..10];
        string[] users = ["alice.secret@example.com", "bob-7f3a9c"];
        try
        {
            // Data version 3 (main before privacy), 120 events of two users in two tenants, with raw ids.
            await using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                await connection.OpenAsync(Ct);
                var versionThree = new PostgresMigrationSet("schema_version", "maas.schema", "Database schema", [.. Enumerable.Range(1, 3).Select(PostgresMigrations.Set.Script)]);
                await versionThree.ApplyAsync(connection, $"\"{schema}\"", schema, Ct);
                await using var insert = new NpgsqlCommand($"""
                    INSERT INTO "{schema}".events (tenant, event_id, user_id, item_id, type, value, ts)
                        SELECT t, 'old-' || t || '-' || i, CASE WHEN i % 2 = 0 THEN '{users[0]}' ELSE '{users[1]}' END, 'i' || (i % 7), 'rate', i % 5 + 0.5,
                               timestamptz '2026-03-01 12:00:00+00' + i * interval '1 minute'
                        FROM generate_series(0, 59) AS i, unnest(ARRAY['t', 'other']) AS t;
                    INSERT INTO "{schema}".users (tenant, user_id, first_seen, last_seen)
                        SELECT tenant, user_id, min(ts), max(ts) FROM "{schema}".events GROUP BY tenant, user_id;
                    """, connection);
                await insert.ExecuteNonQueryAsync(Ct);
            }

            var opened = await PostgresStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = server.ConnectionString, Schema = schema },
                new MaaS.Storage.Privacy.PrivacyOptions { UserKey = PostgresServer.TestUserKey }, cancellationToken: Ct);
            Assert.True(opened.IsSuccess, opened.ToString());
            await using var storage = opened.Value;

            foreach (var tenant in new[] { "t", "other" })
            {
                Assert.Equal(60, (await storage.Events.CountAsync(tenant, Ct)).Value);
                var expected = Enumerable.Range(0, 30).Select(k => 58 - 2 * k)
                    .Select(i => new InteractionEvent($"old-{tenant}-{i}", users[0], $"i{i % 7}", "rate", i % 5 + 0.5f, T0.AddMinutes(i)));
                Assert.Equal(expected, (await storage.Events.GetUserEventsAsync(tenant, users[0], Ct)).Value);
                Assert.Equal(30, (await storage.Events.GetUserEventsAsync(tenant, users[1], Ct)).Value.Count);
                Assert.Equal(T0.AddMinutes(1), (await storage.Users.GetAsync(tenant, users[1], Ct)).Value.FirstSeen);
            }
            await using var check = new NpgsqlConnection(server.ConnectionString);
            await check.OpenAsync(Ct);
            await using var raw = new NpgsqlCommand(
                $"SELECT (SELECT count(*) FROM \"{schema}\".events WHERE user_id = ANY($1)) + (SELECT count(*) FROM \"{schema}\".users WHERE user_id = ANY($1))", check);
            raw.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = users });
            Assert.Equal(0L, await raw.ExecuteScalarAsync(Ct));
        }
        finally
        {
            await server.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task OpenAsync_EventsStoredBeforeTheFeedsCommitKey_TheFeedReadsThemFirstThenNewOnes()
    {
        if (server.SkipReason is not null)
        {
            Assert.Skip(server.SkipReason);
        }

        var schema = "maas_v7_" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            // Data version 7 (before events.tx), three events; the migration gives them commit key 0 without a rewrite.
            await using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                await connection.OpenAsync(Ct);
                var versionSeven = new PostgresMigrationSet("schema_version", "maas.schema", "Database schema", [.. Enumerable.Range(1, 7).Select(PostgresMigrations.Set.Script)]);
                await versionSeven.ApplyAsync(connection, $"\"{schema}\"", schema, Ct);
                await using var insert = new NpgsqlCommand($"""
                    INSERT INTO "{schema}".events (tenant, event_id, user_id, item_id, type, value, ts)
                        SELECT 't', 'old-' || i, 'u', 'old-' || i, 'play', 1, timestamptz '2026-03-01 12:00:00+00' FROM generate_series(1, 3) AS i;
                    """, connection);
                await insert.ExecuteNonQueryAsync(Ct);
            }

            var opened = await PostgresStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = server.ConnectionString, Schema = schema },
                new MaaS.Storage.Privacy.PrivacyOptions { UserKey = PostgresServer.TestUserKey }, cancellationToken: Ct);
            Assert.True(opened.IsSuccess, opened.ToString());
            await using var storage = opened.Value;
            Assert.True((await storage.Events.AppendAsync("t", [new InteractionEvent("new-1", "u", "new-1", "play", 1, T0), new InteractionEvent("new-2", "u", "new-2", "play", 1, T0)], Ct)).IsSuccess);

            // A head that has passed all five (PostgreSQL's waits for every write transaction open on the server).
            var clock = Stopwatch.StartNew();
            IReadOnlyList<FeedEvent> feed;
            while (true)
            {
                var head = (await storage.Events.GetFeedHeadAsync(Ct)).Value;
                feed = (await storage.Events.GetFeedAsync("t", EventFeedCursor.Start, head.Position, T0.AddDays(-1), 100, Ct)).Value.Events;
                if (feed.Count >= 5 || clock.Elapsed > TimeSpan.FromSeconds(30))
                {
                    break;
                }

                await Task.Delay(20, Ct);
            }

            Assert.Equal(["old-1", "old-2", "old-3", "new-1", "new-2"], feed.Select(e => e.ItemId));
        }
        finally
        {
            await server.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task OpenAsync_SchemaAtDataVersionOne_ItemsEnterTheChangeFeedBeforeNewWrites()
    {
        if (server.SkipReason is not null)
        {
            Assert.Skip(server.SkipReason);
        }

        var schema = "maas_v1_" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            await using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                await connection.OpenAsync(Ct);
                var versionOne = new PostgresMigrationSet("schema_version", "maas.schema", "Database schema", [PostgresMigrations.Set.Script(1)]);
                await versionOne.ApplyAsync(connection, $"\"{schema}\"", schema, Ct);
                await using var insert = new NpgsqlCommand(
                    $"INSERT INTO \"{schema}\".items (tenant, item_id, kind, title, genres, tags) VALUES ('t', 'a', 'movie', 'A', '{{Drama}}', '{{}}'), ('t', 'b', 'song', 'B', '{{}}', '{{live}}')",
                    connection);
                await insert.ExecuteNonQueryAsync(Ct);
            }

            var opened = await PostgresStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = server.ConnectionString, Schema = schema }, cancellationToken: Ct);
            Assert.True(opened.IsSuccess, opened.ToString());
            await using var storage = opened.Value;
            var old = (await storage.Catalog.GetChangesAsync("t", 0, 100, Ct)).Value;
            await storage.Catalog.UpsertAsync("t", [Item("new")], Ct);
            var all = (await storage.Catalog.GetChangesAsync("t", 0, 100, Ct)).Value;

            Assert.Equal(["a", "b"], old.Select(c => c.ItemId).Order(StringComparer.Ordinal));
            Assert.Equal(["Drama"], old.Single(c => c.ItemId == "a").Item!.Genres);
            Assert.Equal("new", all[^1].ItemId);
            Assert.Equal(3, all.Count);
            Assert.Equal(all[^1].Sequence, (await storage.Catalog.GetLatestSequenceAsync(Ct)).Value);
        }
        finally
        {
            await server.DropSchemaAsync(schema);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("x\"; DROP SCHEMA public; --")]
    public async Task OpenAsync_BadSchemaName_InvalidInput(string schema)
    {
        var result = await PostgresStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = server.ConnectionString, Schema = schema }, cancellationToken: Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal("Schema", result.Error!.Problems[0].Field);
    }

    [Fact]
    public async Task OpenAsync_MalformedConnectionString_InvalidInputWithoutEchoingIt()
    {
        var result = await PostgresStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = "Host=x;Password=hunter2;NoSuchKeyword=1" }, cancellationToken: Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.DoesNotContain("hunter2", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_NoServerListening_Unavailable()
    {
        var result = await PostgresStorage.OpenAsync(
            new PostgresStorageOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=maas;Password=secret;Database=maas_test;Timeout=2" },
            cancellationToken: Ct);

        Assert.Equal(ErrorCode.DependencyUnavailable, result.Error?.Code);
        Assert.DoesNotContain("secret", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_WithExecutionStrategy_EveryOperationRunsThroughIt()
    {
        if (server.SkipReason is not null)
        {
            Assert.Skip(server.SkipReason);
        }

        var strategy = new RetryOnceStrategy();
        var opened = await PostgresStorage.OpenAsync(
            new PostgresStorageOptions { ConnectionString = server.ConnectionString, Schema = server.Schema }, executionStrategy: strategy, cancellationToken: Ct);
        await using var storage = opened.Value;
        var tenant = NewTenant();

        var appended = await storage.Events.AppendAsync(tenant, [Event("a"), Event("b")], Ct);
        var count = await storage.Events.CountAsync(tenant, Ct);

        // Open (migrate), append, count; the append ran twice (first attempt failed after writing) yet stored each event once.
        Assert.Equal(3, strategy.Operations);
        Assert.Equal(2, appended.Value.Received);
        Assert.Equal(2, count.Value);
    }

    [Fact]
    public async Task AppendDecision_CommittedButAnswerLost_RetryFindsItsOwnRowNotAConflict()
    {
        if (server.SkipReason is not null)
        {
            Assert.Skip(server.SkipReason);
        }

        // Every operation after the open runs twice, as when a commit reached the server but the connection failed before
        // its answer came back and the strategy retried: the retry's insert meets the rows its first attempt committed.
        var strategy = new RetryOnceStrategy(everyOperation: true);
        var opened = await PostgresStorage.OpenAsync(
            new PostgresStorageOptions { ConnectionString = server.ConnectionString, Schema = server.Schema }, executionStrategy: strategy, cancellationToken: Ct);
        await using var storage = opened.Value;
        var tenant = NewTenant();
        var at = new DateTimeOffset(2026, 5, 1, 9, 15, 0, 250, TimeSpan.Zero);
        var mine = new AgentDecision(Guid.NewGuid().ToString("N"), tenant, "npc", """{"skill":0.4}""", """[{"id":"easy"}]""", "easy", 0.25, at);

        var appended = await storage.Agents.AppendAsync(mine, Ct);
        // Another decision under the same id is a real duplicate, retried or not.
        var other = await storage.Agents.AppendAsync(mine with { Context = """{"skill":0.9}""" }, Ct);
        var log = (await storage.Agents.ReadAsync(tenant, "npc", 0, 10, Ct)).Value;

        Assert.True(appended.IsSuccess, appended.ToString());
        Assert.Equal(ErrorCode.Conflict, other.Error?.Code);
        var stored = Assert.Single(log);
        Assert.Equal((mine.DecisionId, mine.Context, appended.Value.Sequence), (stored.DecisionId, stored.Context, stored.Sequence));
    }

    /// <summary>Fails the first attempt of the second operation after it ran, then retries: appends must stay idempotent.</summary>
    /// <remarks>With <paramref name="everyOperation"/>, every operation after the first (the open) is run twice.</remarks>
    private sealed class RetryOnceStrategy(bool everyOperation = false) : IPostgresExecutionStrategy
    {
        private int _operations;

        public int Operations => _operations;

        public async ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _operations);
            var result = await operation(cancellationToken);
            return n == 2 || (everyOperation && n > 1) ? await operation(cancellationToken) : result;
        }
    }
}
