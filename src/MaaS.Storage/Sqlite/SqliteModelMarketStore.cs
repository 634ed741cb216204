namespace MaaS.Storage.Sqlite;

/// <summary>SQLite <see cref="IModelMarketStore"/>.</summary>
internal sealed class SqliteModelMarketStore(SqliteDatabase database) : IModelMarketStore
{
    // One process writes a SQLite file: its own puts are every change there is.
    private readonly ChangeSignal _policyChanged = new();

    public ValueTask<Result<ModelListing>> ClaimAsync(string tenant, string name, ModelVisibility visibility, CancellationToken cancellationToken = default) =>
        ClaimAsync(tenant, name, visibility, 0, null, cancellationToken);

    public ValueTask<Result<ModelListing>> ClaimAsync(
        string tenant, string name, ModelVisibility visibility, long bytes, MarketQuota? quota, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? SecurityValidator.ModelName(name) ?? SecurityValidator.VisibilityValue(visibility)
            ?? SecurityValidator.Claim(tenant, name, quota)) is { } invalid)
        {
            return ValueTask.FromResult<Result<ModelListing>>(invalid);
        }
        // One writer connection runs every write in turn: the usage read and the upsert cannot interleave with another claim.
        return database.WriteAsync<ModelListing>("claim model", (connection, tx) =>
        {
            var existing = Get(connection, tx, name);
            if (existing is not null && existing.Owner != tenant)
            {
                return existing;
            }
            if (quota is not null)
            {
                using var usage = connection.CreateCommand();
                usage.Transaction = tx;
                usage.CommandText = "SELECT count(*), coalesce(sum(bytes), 0) FROM model_listings WHERE owner = $owner";
                usage.Parameters.AddWithValue("$owner", tenant);
                using var reader = usage.ExecuteReader();
                reader.Read();
                if (SecurityValidator.OverQuota(existing is null, reader.GetInt64(0), reader.GetInt64(1), bytes, quota) is { } over)
                {
                    return over;
                }
            }
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = """
                INSERT INTO model_listings (name, owner, visibility, bytes, created_at, updated_at) VALUES ($name, $owner, $vis, max($bytes, 0), $now, $now)
                ON CONFLICT (name) DO UPDATE SET visibility = excluded.visibility, bytes = max(model_listings.bytes + $bytes, 0), updated_at = excluded.updated_at
                WHERE model_listings.owner = excluded.owner
                """;
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$owner", tenant);
            command.Parameters.AddWithValue("$vis", SecurityValidator.Visibility(visibility));
            command.Parameters.AddWithValue("$bytes", bytes);
            command.Parameters.AddWithValue("$now", TimeCodec.ToUnixMs(DateTimeOffset.UtcNow));
            command.ExecuteNonQuery();
            return Get(connection, tx, name)!;
        }, cancellationToken);
    }

    public ValueTask<Result<ModelListing>> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        if (SecurityValidator.ModelName(name) is { } invalid)
        {
            return ValueTask.FromResult<Result<ModelListing>>(invalid);
        }
        return database.ReadAsync<ModelListing>("get model listing", connection =>
            Get(connection, null, name) is { } listing ? listing : Error.NotFound("model"));
    }

    public ValueTask<Result<IReadOnlyList<ModelListing>>> ListAllAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<ModelListing>>("list model listings", connection => Query(connection, null, null));

    public ValueTask<Result<ShareChange>> ShareAsync(string tenant, string name, string grantee, CancellationToken cancellationToken = default) =>
        ChangeShare(tenant, name, grantee, "INSERT INTO model_shares (name, grantee) VALUES ($name, $grantee) ON CONFLICT DO NOTHING", "share model", cancellationToken);

    public ValueTask<Result<ShareChange>> UnshareAsync(string tenant, string name, string grantee, CancellationToken cancellationToken = default) =>
        ChangeShare(tenant, name, grantee, "DELETE FROM model_shares WHERE name = $name AND grantee = $grantee", "unshare model", cancellationToken);

    public ValueTask<Result<IReadOnlyList<string>>> ListSharesAsync(
        string tenant, string name, string? afterGrantee, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? SecurityValidator.ModelName(name) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<string>>>(invalid);
        }
        return database.ReadAsync<IReadOnlyList<string>>("list model shares", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT owner FROM model_listings WHERE name = $name;
                SELECT grantee FROM model_shares WHERE name = $name AND grantee > $after ORDER BY grantee LIMIT $limit;
                """;
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$after", afterGrantee ?? "");
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            if (!reader.Read() || reader.GetString(0) != tenant)
            {
                return Error.NotFound("model");
            }
            reader.NextResult();
            var grantees = new List<string>();
            while (reader.Read())
            {
                grantees.Add(reader.GetString(0));
            }
            return grantees;
        });
    }

    public ValueTask<Result<bool>> DeleteAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? SecurityValidator.ModelName(name)) is { } invalid)
        {
            return ValueTask.FromResult<Result<bool>>(invalid);
        }
        return database.WriteAsync<bool>("delete model listing", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "DELETE FROM model_listings WHERE name = $name AND owner = $owner";
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$owner", tenant);
            return command.ExecuteNonQuery() > 0 ? true : Error.NotFound("model");
        }, cancellationToken);
    }

    public ValueTask<Result<IReadOnlyList<ModelVersionPolicy>>> ListVersionPoliciesAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<ModelVersionPolicy>>("list model version policies", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name, default_version, canary_version, canary_percent, updated_at FROM model_version_policies ORDER BY name";
            using var reader = command.ExecuteReader();
            var policies = new List<ModelVersionPolicy>();
            while (reader.Read())
            {
                policies.Add(new ModelVersionPolicy(reader.GetString(0),
                    reader.IsDBNull(1) ? null : reader.GetInt64(1),
                    reader.IsDBNull(2) ? null : reader.GetInt64(2),
                    reader.IsDBNull(3) ? null : reader.GetInt32(3),
                    TimeCodec.FromUnixMs(reader.GetInt64(4))));
            }
            return policies;
        });

    public async ValueTask<Result<ModelVersionPolicy>> PutVersionPolicyAsync(ModelVersionPolicy policy, CancellationToken cancellationToken = default)
    {
        if (SecurityValidator.VersionPolicy(policy) is { } invalid)
        {
            return invalid;
        }
        var now = DateTimeOffset.UtcNow;
        var stored = await database.WriteAsync<ModelVersionPolicy>("put model version policy", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = policy.IsEmpty
                ? "DELETE FROM model_version_policies WHERE name = $name"
                : """
                  INSERT INTO model_version_policies (name, default_version, canary_version, canary_percent, updated_at)
                  VALUES ($name, $default, $canary, $percent, $now)
                  ON CONFLICT (name) DO UPDATE SET default_version = excluded.default_version, canary_version = excluded.canary_version,
                      canary_percent = excluded.canary_percent, updated_at = excluded.updated_at
                  """;
            command.Parameters.AddWithValue("$name", policy.Name);
            command.Parameters.AddWithValue("$default", (object?)policy.DefaultVersion ?? DBNull.Value);
            command.Parameters.AddWithValue("$canary", (object?)policy.CanaryVersion ?? DBNull.Value);
            command.Parameters.AddWithValue("$percent", (object?)policy.CanaryPercent ?? DBNull.Value);
            command.Parameters.AddWithValue("$now", TimeCodec.ToUnixMs(now));
            command.ExecuteNonQuery();
            return policy with { UpdatedAt = TimeCodec.FromUnixMs(TimeCodec.ToUnixMs(now)) };
        }, cancellationToken).ConfigureAwait(false);
        if (stored.IsSuccess)
        {
            _policyChanged.Set();
        }
        return stored;
    }

    public ValueTask WaitForVersionPolicyChangeAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _policyChanged.WaitAsync(timeout, cancellationToken);

    private ValueTask<Result<ShareChange>> ChangeShare(
        string tenant, string name, string grantee, string sql, string operation, CancellationToken cancellationToken)
    {
        if ((InputValidator.Tenant(tenant) ?? SecurityValidator.ModelName(name) ?? InputValidator.Tenant(grantee)) is { } invalid)
        {
            return ValueTask.FromResult<Result<ShareChange>>(invalid);
        }
        return database.WriteAsync<ShareChange>(operation, (connection, tx) =>
        {
            if (Get(connection, tx, name) is not { } listing || listing.Owner != tenant)
            {
                return Error.NotFound("model");
            }
            using var change = connection.CreateCommand();
            change.Transaction = tx;
            change.CommandText = sql;
            change.Parameters.AddWithValue("$name", name);
            change.Parameters.AddWithValue("$grantee", grantee);
            bool changed = change.ExecuteNonQuery() > 0;
            using var touch = connection.CreateCommand();
            touch.Transaction = tx;
            touch.CommandText = "UPDATE model_listings SET updated_at = $now WHERE name = $name";
            touch.Parameters.AddWithValue("$name", name);
            touch.Parameters.AddWithValue("$now", TimeCodec.ToUnixMs(DateTimeOffset.UtcNow));
            touch.ExecuteNonQuery();
            return new ShareChange(Get(connection, tx, name)!, changed);
        }, cancellationToken);
    }

    private static ModelListing? Get(SqliteConnection connection, SqliteTransaction? tx, string name) =>
        Query(connection, tx, name).FirstOrDefault();

    private static List<ModelListing> Query(SqliteConnection connection, SqliteTransaction? tx, string? name)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            SELECT l.name, l.owner, l.visibility, l.created_at, l.updated_at, s.grantee, l.bytes
            FROM model_listings l LEFT JOIN model_shares s ON s.name = l.name
            WHERE $name IS NULL OR l.name = $name
            ORDER BY l.name, s.grantee
            """;
        command.Parameters.AddWithValue("$name", (object?)name ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var list = new List<ModelListing>();
        List<string>? grantees = null;
        while (reader.Read())
        {
            var current = reader.GetString(0);
            if (list.Count == 0 || list[^1].Name != current)
            {
                grantees = [];
                list.Add(new ModelListing(current, reader.GetString(1), SecurityValidator.Visibility(reader.GetString(2)), grantees,
                    TimeCodec.FromUnixMs(reader.GetInt64(3)), TimeCodec.FromUnixMs(reader.GetInt64(4)))
                { Bytes = reader.GetInt64(6) });
            }
            if (!reader.IsDBNull(5))
            {
                grantees!.Add(reader.GetString(5));
            }
        }
        return list;
    }
}
