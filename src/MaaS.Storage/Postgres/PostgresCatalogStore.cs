using NpgsqlTypes;

namespace MaaS.Storage.Postgres;

/// <summary>
/// PostgreSQL <see cref="ICatalogStore"/>. Writes take one transaction-scoped advisory lock per schema before they
/// draw change sequences, so the feed's sequences commit in order across replicas, and NOTIFY the other replicas on
/// commit (<see cref="PostgresChangeListener"/>). Dispose stops the listener.
/// </summary>
internal sealed class PostgresCatalogStore : ValidatedCatalogStore, IAsyncDisposable
{
    private const string Columns = "item_id, kind, title, genres, tags, text, available_from, available_until";

    private readonly PostgresDatabase _database;
    private readonly PostgresChangeListener _listener;
    private readonly string _upsertSql, _getSql, _getManySql, _pageSql, _countSql, _deleteSql, _recordChangeSql, _changesSql, _latestSql, _lockKey;

    public PostgresCatalogStore(PostgresDatabase database, ILogger logger)
    {
        _database = database;
        _listener = new PostgresChangeListener(database, PostgresChangeListener.Channel, _ => SignalChange(), logger);
        _upsertSql = $"""
            INSERT INTO {database.Schema}.items (tenant, item_id, kind, title, genres, tags, text, available_from, available_until, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
            ON CONFLICT (tenant, item_id) DO UPDATE SET
                kind = EXCLUDED.kind, title = EXCLUDED.title, genres = EXCLUDED.genres, tags = EXCLUDED.tags,
                text = EXCLUDED.text, available_from = EXCLUDED.available_from,
                available_until = EXCLUDED.available_until, updated_at = EXCLUDED.updated_at
            """;
        _getSql = $"SELECT {Columns} FROM {database.Schema}.items WHERE tenant = $1 AND item_id = $2";
        _getManySql = $"SELECT {Columns} FROM {database.Schema}.items WHERE tenant = $1 AND item_id = ANY($2)";
        _pageSql = $"SELECT {Columns} FROM {database.Schema}.items WHERE tenant = $1 AND item_id > $2 ORDER BY item_id LIMIT $3";
        _countSql = $"SELECT count(*) FROM {database.Schema}.items WHERE tenant = $1";
        _deleteSql = $"DELETE FROM {database.Schema}.items WHERE tenant = $1 AND item_id = $2";
        _recordChangeSql = $"""
            INSERT INTO {database.Schema}.catalog_changes (tenant, item_id, seq) VALUES ($1, $2, nextval('{database.Schema}.catalog_change_seq'))
            ON CONFLICT (tenant, item_id) DO UPDATE SET seq = EXCLUDED.seq
            """;
        _changesSql = $"""
            SELECT c.seq, c.item_id, i.kind, i.title, i.genres, i.tags, i.text, i.available_from, i.available_until
            FROM {database.Schema}.catalog_changes c LEFT JOIN {database.Schema}.items i ON i.tenant = c.tenant AND i.item_id = c.item_id
            WHERE c.tenant = $1 AND c.seq > $2 ORDER BY c.seq LIMIT $3
            """;
        _latestSql = $"SELECT coalesce(max(seq), 0) FROM {database.Schema}.catalog_changes";
        _lockKey = "maas.catalog:" + database.Schema;
    }

    public override ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) =>
        PostgresQueries.CountAsync(_database, tenant, _countSql, "count items", cancellationToken);

    protected override async ValueTask<Result<int>> UpsertCoreAsync(string tenant, IReadOnlyList<CatalogItem> items, CancellationToken cancellationToken) =>
        await _database.RunAsync("upsert items", async (connection, ct) =>
        {
            // Genres and tags are ragged arrays, which unnest cannot carry; a batch of single-row statements
            // still travels in one round trip, runs in one transaction, and applies repeated ids in order (last wins).
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection, tx);
            batch.BatchCommands.Add(LockCommand());
            foreach (var item in items)
            {
                var command = new NpgsqlBatchCommand(_upsertSql);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = item.ItemId });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ItemKinds.ToText(item.Kind) });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = item.Title });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. item.Genres] });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. item.Tags] });
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)item.Text ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                command.Parameters.Add(new NpgsqlParameter { Value = item.AvailableFrom is { } f ? f : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
                command.Parameters.Add(new NpgsqlParameter { Value = item.AvailableUntil is { } u ? u : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
                batch.BatchCommands.Add(command);
                batch.BatchCommands.Add(RecordChangeCommand(tenant, item.ItemId));
            }
            batch.BatchCommands.Add(NotifyCommand());
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return items.Count;
        }, cancellationToken).ConfigureAwait(false);

    protected override async ValueTask<Result<bool>> DeleteCoreAsync(string tenant, string itemId, CancellationToken cancellationToken) =>
        await _database.RunAsync("delete item", async (connection, ct) =>
        {
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var batch = new NpgsqlBatch(connection, tx))
            {
                batch.BatchCommands.Add(LockCommand());
                var delete = new NpgsqlBatchCommand(_deleteSql);
                delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = itemId });
                batch.BatchCommands.Add(delete);
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                if (delete.RecordsAffected == 0)
                {
                    return false;
                }
            }
            await using (var record = new NpgsqlBatch(connection, tx))
            {
                record.BatchCommands.Add(RecordChangeCommand(tenant, itemId));
                var embeddings = new NpgsqlBatchCommand($"DELETE FROM {_database.Schema}.item_embeddings WHERE tenant = $1 AND item_id = $2");
                embeddings.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                embeddings.Parameters.Add(new NpgsqlParameter<string> { TypedValue = itemId });
                record.BatchCommands.Add(embeddings);
                record.BatchCommands.Add(NotifyCommand());
                await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    protected override async ValueTask<Result<IReadOnlyList<CatalogChange>>> GetChangesCoreAsync(string tenant, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        var result = await _database.RunAsync("read catalogue changes", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_changesSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            // Column 2 (kind) is NOT NULL in items: null means the join found no item, a deletion.
            return await PostgresQueries.ReadAllAsync(command, r => new CatalogChange(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : ReadItem(r, 1)), ct)
                .ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    protected override async ValueTask<Result<int>> PutEmbeddingsCoreAsync(string tenant, IReadOnlyList<ItemEmbedding> embeddings, CancellationToken cancellationToken) =>
        await _database.RunAsync("put item embeddings", async (connection, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection);
            foreach (var e in embeddings)
            {
                var command = new NpgsqlBatchCommand($"""
                    INSERT INTO {_database.Schema}.item_embeddings (tenant, item_id, model, version, text_hash, vector)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (tenant, model, item_id) DO UPDATE SET version = excluded.version, text_hash = excluded.text_hash, vector = excluded.vector
                    """);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.ItemId });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Model });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Version });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.TextHash });
                command.Parameters.Add(new NpgsqlParameter<float[]> { TypedValue = e.Vector });
                batch.BatchCommands.Add(command);
            }
            // One statement per row in one round trip, implicitly one transaction.
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return embeddings.Count;
        }, cancellationToken).ConfigureAwait(false);

    protected override async ValueTask<Result<IReadOnlyList<ItemEmbedding>>> GetEmbeddingsCoreAsync(string tenant, string model, CancellationToken cancellationToken)
    {
        var result = await _database.RunAsync("read item embeddings", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT item_id, version, text_hash, vector FROM {_database.Schema}.item_embeddings WHERE tenant = $1 AND model = $2", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = model });
            return await PostgresQueries.ReadAllAsync(command, r => new ItemEmbedding(r.GetString(0), model, r.GetInt64(1), r.GetString(2), r.GetFieldValue<float[]>(3)), ct)
                .ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public override async ValueTask<Result<long>> GetLatestSequenceAsync(CancellationToken cancellationToken = default) =>
        await _database.RunAsync("read catalogue sequence", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_latestSql, connection);
            return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken).ConfigureAwait(false);

    public override ValueTask WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        _listener.EnsureStarted();
        return base.WaitForChangeAsync(timeout, cancellationToken);
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    // Taken first in every write and held to its commit: a writer draws sequences only after the previous writer's
    // have committed, so no reader can see sequence n + 1 while n is still invisible.
    private NpgsqlBatchCommand LockCommand()
    {
        var command = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _lockKey });
        return command;
    }

    private NpgsqlBatchCommand RecordChangeCommand(string tenant, string itemId)
    {
        var command = new NpgsqlBatchCommand(_recordChangeSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = itemId });
        return command;
    }

    // Delivered on commit only, once per transaction.
    private NpgsqlBatchCommand NotifyCommand()
    {
        var command = new NpgsqlBatchCommand($"SELECT pg_notify('{PostgresChangeListener.Channel}', $1)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.Schema });
        return command;
    }

    protected override async ValueTask<Result<CatalogItem>> GetCoreAsync(string tenant, string itemId, CancellationToken cancellationToken)
    {
        var result = await _database.RunAsync("get item", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_getSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = itemId });
            // (tenant, item_id) is the primary key: at most one row.
            return (await PostgresQueries.ReadAllAsync(command, ReadItem, ct).ConfigureAwait(false)).FirstOrDefault();
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        return result.Value is { } item ? item : Error.NotFound("item");
    }

    protected override async ValueTask<Result<IReadOnlyDictionary<string, CatalogItem>>> GetManyCoreAsync(string tenant, string[] itemIds, CancellationToken cancellationToken)
    {
        var result = await _database.RunAsync("get items", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_getManySql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = itemIds });
            var found = await PostgresQueries.ReadAllAsync(command, ReadItem, ct).ConfigureAwait(false);
            return found.ToDictionary(item => item.ItemId, StringComparer.Ordinal);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    protected override async ValueTask<Result<IReadOnlyList<CatalogItem>>> ListCoreAsync(string tenant, string? afterItemId, int limit, CancellationToken cancellationToken)
    {
        var result = await _database.RunAsync("list items", (connection, ct) => PageAsync(connection, tenant, afterItemId, limit, ct), cancellationToken)
            .ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    protected override async Task<List<CatalogItem>> PageAsync(string tenant, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await PageAsync(connection, tenant, after, limit, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<CatalogItem>> PageAsync(NpgsqlConnection connection, string tenant, string? after, int limit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_pageSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after ?? string.Empty });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await PostgresQueries.ReadAllAsync(command, ReadItem, ct).ConfigureAwait(false);
    }

    private static CatalogItem ReadItem(NpgsqlDataReader reader) => ReadItem(reader, 0);

    /// <summary>The item whose <see cref="Columns"/> start at column <paramref name="at"/>.</summary>
    private static CatalogItem ReadItem(NpgsqlDataReader reader, int at) => new(
        reader.GetString(at),
        ItemKinds.Parse(reader.GetString(at + 1)),
        reader.GetString(at + 2),
        reader.GetFieldValue<string[]>(at + 3),
        reader.GetFieldValue<string[]>(at + 4),
        reader.IsDBNull(at + 5) ? null : reader.GetString(at + 5),
        reader.IsDBNull(at + 6) ? null : reader.GetFieldValue<DateOnly>(at + 6),
        reader.IsDBNull(at + 7) ? null : reader.GetFieldValue<DateOnly>(at + 7));
}
