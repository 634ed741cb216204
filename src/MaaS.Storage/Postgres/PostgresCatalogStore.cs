using MaaS.Core;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Validation;
using Npgsql;
using NpgsqlTypes;

namespace MaaS.Storage.Postgres;

/// <summary>PostgreSQL <see cref="ICatalogStore"/>.</summary>
internal sealed class PostgresCatalogStore(PostgresDatabase database) : ValidatedCatalogStore
{
    private const string Columns = "item_id, kind, title, genres, tags, text, available_from, available_until";

    private readonly string _upsertSql = $"""
        INSERT INTO {database.Schema}.items (tenant, item_id, kind, title, genres, tags, text, available_from, available_until, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
        ON CONFLICT (tenant, item_id) DO UPDATE SET
            kind = EXCLUDED.kind, title = EXCLUDED.title, genres = EXCLUDED.genres, tags = EXCLUDED.tags,
            text = EXCLUDED.text, available_from = EXCLUDED.available_from,
            available_until = EXCLUDED.available_until, updated_at = EXCLUDED.updated_at
        """;
    private readonly string _getSql = $"SELECT {Columns} FROM {database.Schema}.items WHERE tenant = $1 AND item_id = $2";
    private readonly string _getManySql = $"SELECT {Columns} FROM {database.Schema}.items WHERE tenant = $1 AND item_id = ANY($2)";
    private readonly string _pageSql = $"SELECT {Columns} FROM {database.Schema}.items WHERE tenant = $1 AND item_id > $2 ORDER BY item_id LIMIT $3";
    private readonly string _countSql = $"SELECT count(*) FROM {database.Schema}.items WHERE tenant = $1";

    public override ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) =>
        PostgresQueries.CountAsync(database, tenant, _countSql, "count items", cancellationToken);

    protected override async ValueTask<Result<int>> UpsertCoreAsync(string tenant, IReadOnlyList<CatalogItem> items, CancellationToken cancellationToken) =>
        await database.RunAsync("upsert items", async (connection, ct) =>
        {
            // Genres and tags are ragged arrays, which unnest cannot carry; a batch of single-row statements
            // still travels in one round trip, runs in one transaction, and applies repeated ids in order (last wins).
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection, tx);
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
            }
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return items.Count;
        }, cancellationToken).ConfigureAwait(false);

    protected override async ValueTask<Result<CatalogItem>> GetCoreAsync(string tenant, string itemId, CancellationToken cancellationToken)
    {
        var result = await database.RunAsync("get item", async (connection, ct) =>
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
        var result = await database.RunAsync("get items", async (connection, ct) =>
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
        var result = await database.RunAsync("list items", (connection, ct) => PageAsync(connection, tenant, afterItemId, limit, ct), cancellationToken)
            .ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    protected override async Task<List<CatalogItem>> PageAsync(string tenant, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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

    private static CatalogItem ReadItem(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        ItemKinds.Parse(reader.GetString(1)),
        reader.GetString(2),
        reader.GetFieldValue<string[]>(3),
        reader.GetFieldValue<string[]>(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6),
        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7));
}
