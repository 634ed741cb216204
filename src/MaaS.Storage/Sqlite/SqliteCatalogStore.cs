using System.Runtime.InteropServices;

namespace MaaS.Storage.Sqlite;

/// <summary>SQLite <see cref="ICatalogStore"/>.</summary>
internal sealed class SqliteCatalogStore(SqliteDatabase database) : ValidatedCatalogStore
{
    private const string Columns = "item_id, kind, title, genres, tags, text, available_from, available_until";

    /// <summary>The item columns after <c>item_id</c>, from the items table aliased <c>i</c>.</summary>
    private const string ItemColumns = "i.kind, i.title, i.genres, i.tags, i.text, i.available_from, i.available_until";

    public override ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) =>
        SqliteQueries.Count(database, tenant, "items", "count items");

    protected override ValueTask<Result<int>> UpsertCoreAsync(string tenant, IReadOnlyList<CatalogItem> items, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return database.WriteAsync<int>("upsert items",
            (_, tx) => SqliteMutations.UpsertItems(database.WriterCommands, tx, tenant, items, now), cancellationToken);
    }

    protected override ValueTask<Result<bool>> DeleteCoreAsync(string tenant, string itemId, CancellationToken cancellationToken) =>
        database.WriteAsync<bool>("delete item",
            (connection, tx) => SqliteMutations.DeleteItem(connection, tx, database.WriterCommands, tenant, itemId), cancellationToken);

    protected override ValueTask<Result<IReadOnlyList<CatalogChange>>> GetChangesCoreAsync(string tenant, long afterSequence, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<CatalogChange>>("read catalogue changes", connection =>
        {
            using var command = connection.CreateCommand();
            // The (tenant, seq) index walks the tenant's feed in order; each change finds its item by primary key.
            command.CommandText = $"""
                SELECT c.seq, c.item_id, {ItemColumns}
                FROM catalog_changes c LEFT JOIN items i ON i.tenant = c.tenant AND i.item_id = c.item_id
                WHERE c.tenant = $tenant AND c.seq > $after ORDER BY c.seq LIMIT $limit
                """;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$after", afterSequence);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var changes = new List<CatalogChange>();
            while (reader.Read())
            {
                // Column 2 (kind) is NOT NULL in items: null means the join found no item, a deletion.
                changes.Add(new CatalogChange(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : ReadItem(reader, 1)));
            }
            return changes;
        });

    public override ValueTask<Result<long>> GetLatestSequenceAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<long>("read catalogue sequence", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT coalesce(max(seq), 0) FROM catalog_changes";
            return (long)command.ExecuteScalar()!;
        });

    protected override ValueTask<Result<CatalogItem>> GetCoreAsync(string tenant, string itemId, CancellationToken cancellationToken) =>
        database.ReadAsync<CatalogItem>("get item", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM items WHERE tenant = $tenant AND item_id = $id";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$id", itemId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadItem(reader) : Error.NotFound("item");
        });

    protected override ValueTask<Result<IReadOnlyDictionary<string, CatalogItem>>> GetManyCoreAsync(string tenant, string[] itemIds, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyDictionary<string, CatalogItem>>("get items", connection =>
        {
            using var command = connection.CreateCommand();
            // json_each turns one JSON array parameter into rows: one statement for any number of ids, no SQL built from input.
            command.CommandText = $"SELECT {Columns} FROM items WHERE tenant = $tenant AND item_id IN (SELECT value FROM json_each($ids))";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$ids", LabelCodec.Encode(itemIds));
            using var reader = command.ExecuteReader();
            var found = new Dictionary<string, CatalogItem>(StringComparer.Ordinal);
            while (reader.Read())
            {
                var item = ReadItem(reader);
                found[item.ItemId] = item;
            }
            return found;
        });

    protected override ValueTask<Result<IReadOnlyList<CatalogItem>>> ListCoreAsync(string tenant, string? afterItemId, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<CatalogItem>>("list items", connection => Page(connection, tenant, afterItemId, limit));

    protected override async Task<List<CatalogItem>> PageAsync(string tenant, string? after, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // A page is one synchronous read: yielding first keeps a long walk from holding the caller's thread throughout.
        await Task.Yield();
        using var connection = database.OpenReader();
        return Page(connection, tenant, after, limit);
    }

    private static List<CatalogItem> Page(SqliteConnection connection, string tenant, string? after, int limit)
    {
        using var command = connection.CreateCommand();
        // The primary key's default BINARY collation orders like string.CompareOrdinal on UTF-8, which matches
        // PostgreSQL's COLLATE "C"; both stores page identically.
        command.CommandText = $"SELECT {Columns} FROM items WHERE tenant = $tenant AND item_id > $after ORDER BY item_id LIMIT $limit";
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$after", after ?? string.Empty);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var list = new List<CatalogItem>();
        while (reader.Read())
        {
            list.Add(ReadItem(reader));
        }
        return list;
    }

    protected override ValueTask<Result<int>> PutEmbeddingsCoreAsync(string tenant, IReadOnlyList<ItemEmbedding> embeddings, CancellationToken cancellationToken) =>
        database.WriteAsync<int>("put item embeddings", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = """
                INSERT OR REPLACE INTO item_embeddings (tenant, item_id, model, version, text_hash, vector)
                VALUES ($tenant, $item, $model, $version, $hash, $vector)
                """;
            var item = command.Parameters.Add("$item", SqliteType.Text);
            var model = command.Parameters.Add("$model", SqliteType.Text);
            var version = command.Parameters.Add("$version", SqliteType.Integer);
            var hash = command.Parameters.Add("$hash", SqliteType.Text);
            var vector = command.Parameters.Add("$vector", SqliteType.Blob);
            command.Parameters.AddWithValue("$tenant", tenant);
            foreach (var e in embeddings)
            {
                (item.Value, model.Value, version.Value, hash.Value) = (e.ItemId, e.Model, e.Version, e.TextHash);
                vector.Value = MemoryMarshal.AsBytes(e.Vector.AsSpan()).ToArray();
                command.ExecuteNonQuery();
            }
            return Result<int>.Ok(embeddings.Count);
        }, cancellationToken);

    protected override ValueTask<Result<IReadOnlyList<ItemEmbedding>>> GetEmbeddingsCoreAsync(string tenant, string model, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ItemEmbedding>>("read item embeddings", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT item_id, version, text_hash, vector FROM item_embeddings WHERE tenant = $tenant AND model = $model";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$model", model);
            using var reader = command.ExecuteReader();
            var found = new List<ItemEmbedding>();
            while (reader.Read())
            {
                var bytes = (byte[])reader.GetValue(3);
                found.Add(new ItemEmbedding(reader.GetString(0), model, reader.GetInt64(1), reader.GetString(2), MemoryMarshal.Cast<byte, float>(bytes).ToArray()));
            }
            return found;
        });

    /// <summary>The item whose <see cref="Columns"/> start at column <paramref name="at"/>.</summary>
    private static CatalogItem ReadItem(SqliteDataReader reader, int at = 0) => new(
        reader.GetString(at),
        ItemKinds.Parse(reader.GetString(at + 1)),
        reader.GetString(at + 2),
        LabelCodec.Decode(reader.GetString(at + 3)),
        LabelCodec.Decode(reader.GetString(at + 4)),
        reader.IsDBNull(at + 5) ? null : reader.GetString(at + 5),
        reader.IsDBNull(at + 6) ? null : DateOnly.ParseExact(reader.GetString(at + 6), "yyyy-MM-dd", CultureInfo.InvariantCulture),
        reader.IsDBNull(at + 7) ? null : DateOnly.ParseExact(reader.GetString(at + 7), "yyyy-MM-dd", CultureInfo.InvariantCulture));
}
