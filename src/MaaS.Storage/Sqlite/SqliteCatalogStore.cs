using MaaS.Core;
using System.Globalization;
using System.Runtime.CompilerServices;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Validation;
using Microsoft.Data.Sqlite;

namespace MaaS.Storage.Sqlite;

/// <summary>SQLite <see cref="ICatalogStore"/>.</summary>
internal sealed class SqliteCatalogStore(SqliteDatabase database) : ICatalogStore
{
    private const string Columns = "item_id, kind, title, genres, tags, text, available_from, available_until";

    public async ValueTask<Result<int>> UpsertAsync(
        string tenant, IReadOnlyList<CatalogItem> items, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Items(items)) is { } invalid)
        {
            return invalid;
        }
        if (items.Count == 0)
        {
            return 0;
        }
        try
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            return await database.WriteAsync(
                (_, tx) => SqliteMutations.UpsertItems(database.WriterCommands, tx, tenant, items, now), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return database.Fail(ex, "upsert items");
        }
    }

    public ValueTask<Result<CatalogItem>> GetAsync(string tenant, string itemId, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Id(itemId, "itemId")) is { } invalid)
        {
            return ValueTask.FromResult<Result<CatalogItem>>(invalid);
        }
        try
        {
            using var connection = database.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM items WHERE tenant = $tenant AND item_id = $id";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$id", itemId);
            using var reader = command.ExecuteReader();
            return ValueTask.FromResult(reader.Read()
                ? Result<CatalogItem>.Ok(ReadItem(reader))
                : Error.NotFound("item"));
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return ValueTask.FromResult<Result<CatalogItem>>(database.Fail(ex, "get item"));
        }
    }

    public ValueTask<Result<IReadOnlyDictionary<string, CatalogItem>>> GetManyAsync(
        string tenant, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.ItemIds(itemIds)) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyDictionary<string, CatalogItem>>>(invalid);
        }
        var found = new Dictionary<string, CatalogItem>(StringComparer.Ordinal);
        if (itemIds.Count == 0)
        {
            return ValueTask.FromResult(Result<IReadOnlyDictionary<string, CatalogItem>>.Ok(found));
        }
        try
        {
            using var connection = database.OpenReader();
            using var command = connection.CreateCommand();
            // json_each turns one JSON array parameter into rows: one statement for any number of ids, no SQL built from input.
            command.CommandText = $"SELECT {Columns} FROM items WHERE tenant = $tenant AND item_id IN (SELECT value FROM json_each($ids))";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$ids", LabelCodec.Encode([.. itemIds.Distinct(StringComparer.Ordinal)]));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var item = ReadItem(reader);
                found[item.ItemId] = item;
            }
            return ValueTask.FromResult(Result<IReadOnlyDictionary<string, CatalogItem>>.Ok(found));
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return ValueTask.FromResult<Result<IReadOnlyDictionary<string, CatalogItem>>>(database.Fail(ex, "get items"));
        }
    }

    public ValueTask<Result<IReadOnlyList<CatalogItem>>> ListAsync(
        string tenant, string? afterItemId, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.OptionalId(afterItemId, "afterItemId") ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<CatalogItem>>>(invalid);
        }
        try
        {
            return ValueTask.FromResult(Result<IReadOnlyList<CatalogItem>>.Ok(Page(tenant, afterItemId, limit)));
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return ValueTask.FromResult<Result<IReadOnlyList<CatalogItem>>>(database.Fail(ex, "list items"));
        }
    }

    public async IAsyncEnumerable<CatalogItem> StreamAllAsync(
        string tenant, int pageSize = 1_000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Limit(pageSize, nameof(pageSize))) is { } invalid)
        {
            throw new ArgumentException(invalid.Message, invalid.Problems[0].Field);
        }
        string? after = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = Page(tenant, after, pageSize);
            foreach (var item in page)
            {
                yield return item;
            }
            if (page.Count < pageSize)
            {
                yield break;
            }
            after = page[^1].ItemId;
            await Task.Yield();
        }
    }

    public ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) =>
        SqliteQueries.Count(database, tenant, "items", "count items");

    private List<CatalogItem> Page(string tenant, string? after, int limit)
    {
        using var connection = database.OpenReader();
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
