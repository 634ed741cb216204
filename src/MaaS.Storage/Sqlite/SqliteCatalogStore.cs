using System.Globalization;
using MaaS.Core;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Validation;
using Microsoft.Data.Sqlite;

namespace MaaS.Storage.Sqlite;

/// <summary>SQLite <see cref="ICatalogStore"/>.</summary>
internal sealed class SqliteCatalogStore(SqliteDatabase database) : ValidatedCatalogStore
{
    private const string Columns = "item_id, kind, title, genres, tags, text, available_from, available_until";

    public override ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) =>
        SqliteQueries.Count(database, tenant, "items", "count items");

    protected override ValueTask<Result<int>> UpsertCoreAsync(string tenant, IReadOnlyList<CatalogItem> items, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return database.WriteAsync<int>("upsert items",
            (_, tx) => SqliteMutations.UpsertItems(database.WriterCommands, tx, tenant, items, now), cancellationToken);
    }

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

    private static CatalogItem ReadItem(SqliteDataReader reader) => new(
        reader.GetString(0),
        ItemKinds.Parse(reader.GetString(1)),
        reader.GetString(2),
        LabelCodec.Decode(reader.GetString(3)),
        LabelCodec.Decode(reader.GetString(4)),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : DateOnly.ParseExact(reader.GetString(6), "yyyy-MM-dd", CultureInfo.InvariantCulture),
        reader.IsDBNull(7) ? null : DateOnly.ParseExact(reader.GetString(7), "yyyy-MM-dd", CultureInfo.InvariantCulture));
}
