namespace MaaS.Storage.Postgres;

/// <summary>
/// PostgreSQL <see cref="IModelMarketStore"/>. A version policy's write NOTIFYs every replica on commit
/// (<see cref="PostgresChangeListener.PolicyChannel"/>), listened to from the first wait. Dispose stops the listener.
/// </summary>
internal sealed class PostgresModelMarketStore : IModelMarketStore, IAsyncDisposable
{
    private readonly PostgresDatabase _database;
    private readonly string _claimSql, _lockSql, _usageSql, _querySql, _shareSql, _unshareSql, _touchSql, _deleteSql, _ownerSql, _sharesSql;
    private readonly string _policiesSql, _putPolicySql, _deletePolicySql, _notifyPolicySql;
    private readonly ChangeSignal _policyChanged = new();
    private readonly PostgresChangeListener _listener;

    public PostgresModelMarketStore(PostgresDatabase database, ILogger logger)
    {
        _database = database;
        var s = database.Schema;
        _listener = new PostgresChangeListener(database, PostgresChangeListener.PolicyChannel, _ => _policyChanged.Set(), logger);
        _policiesSql = $"SELECT name, default_version, canary_version, canary_percent, updated_at FROM {s}.model_version_policies ORDER BY name";
        _putPolicySql = $"""
            INSERT INTO {s}.model_version_policies (name, default_version, canary_version, canary_percent, updated_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (name) DO UPDATE SET default_version = excluded.default_version, canary_version = excluded.canary_version,
                canary_percent = excluded.canary_percent, updated_at = excluded.updated_at
            """;
        _deletePolicySql = $"DELETE FROM {s}.model_version_policies WHERE name = $1";
        _notifyPolicySql = $"SELECT pg_notify('{PostgresChangeListener.PolicyChannel}', $1)";
        // Only the owner's claim updates the row: another tenant's claim is a no-op and reads the owner back.
        _claimSql = $"""
            INSERT INTO {s}.model_listings (name, owner, visibility, bytes, created_at, updated_at) VALUES ($1, $2, $3, GREATEST($4, 0), now(), now())
            ON CONFLICT (name) DO UPDATE SET visibility = excluded.visibility, bytes = GREATEST({s}.model_listings.bytes + $4, 0), updated_at = excluded.updated_at
            WHERE {s}.model_listings.owner = excluded.owner
            """;
        // Claims of one tenant take turns (across replicas): its usage cannot change between the check and the write.
        _lockSql = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
        _usageSql = $"SELECT count(*), coalesce(sum(bytes), 0)::bigint FROM {s}.model_listings WHERE owner = $1";
        _querySql = $"""
            SELECT l.name, l.owner, l.visibility, l.created_at, l.updated_at, s.grantee, l.bytes
            FROM {s}.model_listings l LEFT JOIN {s}.model_shares s ON s.name = l.name
            WHERE $1::text IS NULL OR l.name = $1
            ORDER BY l.name, s.grantee
            """;
        _shareSql = $"INSERT INTO {s}.model_shares (name, grantee) SELECT $1, $3 FROM {s}.model_listings WHERE name = $1 AND owner = $2 ON CONFLICT DO NOTHING";
        _unshareSql = $"DELETE FROM {s}.model_shares WHERE name = $1 AND grantee = $3 AND EXISTS (SELECT 1 FROM {s}.model_listings WHERE name = $1 AND owner = $2)";
        _touchSql = $"UPDATE {s}.model_listings SET updated_at = now() WHERE name = $1 AND owner = $2";
        _deleteSql = $"DELETE FROM {s}.model_listings WHERE name = $1 AND owner = $2";
        _ownerSql = $"SELECT owner FROM {s}.model_listings WHERE name = $1";
        _sharesSql = $"SELECT grantee FROM {s}.model_shares WHERE name = $1 AND grantee > $2 ORDER BY grantee LIMIT $3";
    }

    public ValueTask<Result<ModelListing>> ClaimAsync(string tenant, string name, ModelVisibility visibility, CancellationToken cancellationToken = default) =>
        ClaimAsync(tenant, name, visibility, 0, null, cancellationToken);

    public async ValueTask<Result<ModelListing>> ClaimAsync(
        string tenant, string name, ModelVisibility visibility, long bytes, MarketQuota? quota, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? SecurityValidator.ModelName(name) ?? SecurityValidator.VisibilityValue(visibility)
            ?? SecurityValidator.Claim(tenant, name, quota)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync<Result<ModelListing>>("claim model", async (connection, ct) =>
        {
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var lockCommand = new NpgsqlCommand(_lockSql, connection, tx))
            {
                lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "maas.market:" + tenant });
                await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            var existing = (await QueryAsync(connection, name, ct, tx).ConfigureAwait(false)).FirstOrDefault();
            if (existing is not null && existing.Owner != tenant)
            {
                return existing;
            }
            if (quota is not null)
            {
                await using var usage = new NpgsqlCommand(_usageSql, connection, tx);
                usage.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                await using var reader = await usage.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await reader.ReadAsync(ct).ConfigureAwait(false);
                if (SecurityValidator.OverQuota(existing is null, reader.GetInt64(0), reader.GetInt64(1), bytes, quota) is { } over)
                {
                    return over;
                }
            }
            await using (var command = new NpgsqlCommand(_claimSql, connection, tx))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SecurityValidator.Visibility(visibility) });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = bytes });
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            var claimed = (await QueryAsync(connection, name, ct, tx).ConfigureAwait(false))[0];
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return claimed;
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public async ValueTask<Result<ModelListing>> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        if (SecurityValidator.ModelName(name) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync("get model listing", (connection, ct) => QueryAsync(connection, name, ct), cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        return result.Value.Count > 0 ? result.Value[0] : Error.NotFound("model");
    }

    public async ValueTask<Result<IReadOnlyList<ModelListing>>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        var result = await _database.RunAsync("list model listings", (connection, ct) => QueryAsync(connection, null, ct), cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public ValueTask<Result<ShareChange>> ShareAsync(string tenant, string name, string grantee, CancellationToken cancellationToken = default) =>
        ChangeShareAsync(tenant, name, grantee, _shareSql, "share model", cancellationToken);

    public ValueTask<Result<ShareChange>> UnshareAsync(string tenant, string name, string grantee, CancellationToken cancellationToken = default) =>
        ChangeShareAsync(tenant, name, grantee, _unshareSql, "unshare model", cancellationToken);

    public async ValueTask<Result<IReadOnlyList<string>>> ListSharesAsync(
        string tenant, string name, string? afterGrantee, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? SecurityValidator.ModelName(name) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync<List<string>?>("list model shares", async (connection, ct) =>
        {
            await using (var owner = new NpgsqlCommand(_ownerSql, connection))
            {
                owner.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                if (await owner.ExecuteScalarAsync(ct).ConfigureAwait(false) as string != tenant)
                {
                    return null;
                }
            }
            await using var command = new NpgsqlCommand(_sharesSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = afterGrantee ?? "" });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var grantees = new List<string>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                grantees.Add(reader.GetString(0));
            }
            return grantees;
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        return result.Value is { } page ? page : Error.NotFound("model");
    }

    public async ValueTask<Result<bool>> DeleteAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? SecurityValidator.ModelName(name)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync("delete model listing", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_deleteSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        return result.Value > 0 ? true : Error.NotFound("model");
    }

    public async ValueTask<Result<IReadOnlyList<ModelVersionPolicy>>> ListVersionPoliciesAsync(CancellationToken cancellationToken = default)
    {
        var result = await _database.RunAsync("list model version policies", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_policiesSql, connection);
            return await PostgresQueries.ReadAllAsync(command, r => new ModelVersionPolicy(r.GetString(0),
                r.IsDBNull(1) ? null : r.GetInt64(1),
                r.IsDBNull(2) ? null : r.GetInt64(2),
                r.IsDBNull(3) ? null : r.GetInt32(3),
                TimeCodec.FromUtcDateTime(r.GetFieldValue<DateTime>(4))), ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public async ValueTask<Result<ModelVersionPolicy>> PutVersionPolicyAsync(ModelVersionPolicy policy, CancellationToken cancellationToken = default)
    {
        if (SecurityValidator.VersionPolicy(policy) is { } invalid)
        {
            return invalid;
        }
        // Milliseconds, as the stored value is cut: the answer equals what a later read returns.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var result = await _database.RunAsync("put model version policy", async (connection, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection);
            var write = new NpgsqlBatchCommand(policy.IsEmpty ? _deletePolicySql : _putPolicySql);
            write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = policy.Name });
            if (!policy.IsEmpty)
            {
                write.Parameters.Add(new NpgsqlParameter { Value = (object?)policy.DefaultVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
                write.Parameters.Add(new NpgsqlParameter { Value = (object?)policy.CanaryVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
                write.Parameters.Add(new NpgsqlParameter { Value = (object?)policy.CanaryPercent ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
                write.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(now) });
            }
            batch.BatchCommands.Add(write);
            // Delivered on commit; the batch is one implicit transaction.
            var notify = new NpgsqlBatchCommand(_notifyPolicySql);
            notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.Schema });
            batch.BatchCommands.Add(notify);
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return policy with { UpdatedAt = now };
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        _policyChanged.Set();
        return result.Value;
    }

    public ValueTask WaitForVersionPolicyChangeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        _listener.EnsureStarted();
        return _policyChanged.WaitAsync(timeout, cancellationToken);
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private async ValueTask<Result<ShareChange>> ChangeShareAsync(
        string tenant, string name, string grantee, string sql, string operation, CancellationToken cancellationToken)
    {
        if ((InputValidator.Tenant(tenant) ?? SecurityValidator.ModelName(name) ?? InputValidator.Tenant(grantee)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync(operation, async (connection, ct) =>
        {
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            int touched;
            await using (var touch = new NpgsqlCommand(_touchSql, connection, tx))
            {
                touch.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                touch.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                touched = await touch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            if (touched == 0)
            {
                return null;
            }
            bool changed;
            await using (var command = new NpgsqlCommand(sql, connection, tx))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grantee });
                changed = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return new ShareChange((await QueryAsync(connection, name, ct).ConfigureAwait(false))[0], changed);
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        return result.Value is { } change ? change : Error.NotFound("model");
    }

    private async Task<List<ModelListing>> QueryAsync(NpgsqlConnection connection, string? name, CancellationToken ct, NpgsqlTransaction? tx = null)
    {
        await using var command = new NpgsqlCommand(_querySql, connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<ModelListing>();
        List<string>? grantees = null;
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var current = reader.GetString(0);
            if (list.Count == 0 || list[^1].Name != current)
            {
                grantees = [];
                list.Add(new ModelListing(current, reader.GetString(1), SecurityValidator.Visibility(reader.GetString(2)), grantees,
                    TimeCodec.FromUtcDateTime(reader.GetFieldValue<DateTime>(3)), TimeCodec.FromUtcDateTime(reader.GetFieldValue<DateTime>(4)))
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
