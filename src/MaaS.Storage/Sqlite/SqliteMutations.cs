using System.Runtime.InteropServices;

namespace MaaS.Storage.Sqlite;

/// <summary>
/// Every write the SQLite store performs, in one place. Each runs on the writer connection inside the caller's
/// transaction; all are idempotent.
/// </summary>
internal static class SqliteMutations
{
    public static int InsertEvents(SqliteWriterCommands commands, string tenant, IReadOnlyList<StoredEvent> events)
    {
        // One key lookup per distinct user of the batch. A user row this batch creates stays only if one of the
        // user's events was actually inserted (they may all be ids already stored), so a replay creates nothing.
        var users = new Dictionary<string, BatchUser>(StringComparer.Ordinal);
        var inserted = 0;
        foreach (var e in events)
        {
            ref var user = ref CollectionsMarshal.GetValueRefOrAddDefault(users, e.User, out var known);
            if (!known)
            {
                user.Key = commands.UserKey(tenant, e.User, out user.Created);
            }
            if (!commands.InsertEvent(tenant, e.EventKey, e.User, user.Key, e.ItemId, e.Type, e.Value, TimeCodec.ToUnixMs(e.Timestamp), e.Sealed, e.RecommendationId))
            {
                continue;
            }
            inserted++;
            user.HasEvents = true;
        }
        foreach (var user in users.Values)
        {
            if (user.Created && !user.HasEvents)
            {
                commands.DeleteUser(user.Key);
            }
        }
        return inserted;
    }

    public static EraseResult EraseUser(SqliteConnection connection, SqliteTransaction tx, string tenant, string userId)
    {
        using var events = connection.CreateCommand();
        events.Transaction = tx;
        events.CommandText = $"DELETE FROM events WHERE user_key = ({SqliteQueries.UserKeySql})";
        events.Parameters.AddWithValue("$tenant", tenant);
        events.Parameters.AddWithValue("$user", userId);
        var deleted = events.ExecuteNonQuery();
        using var user = connection.CreateCommand();
        user.Transaction = tx;
        user.CommandText = "DELETE FROM users WHERE tenant = $tenant AND user_id = $user";
        user.Parameters.AddWithValue("$tenant", tenant);
        user.Parameters.AddWithValue("$user", userId);
        var result = new EraseResult(deleted, user.ExecuteNonQuery() > 0);
        if (deleted > 0)
        {
            // Followers that counted the erased events count again (IEventStore.GetFeedHeadAsync).
            using var erasures = connection.CreateCommand();
            erasures.Transaction = tx;
            erasures.CommandText = "INSERT INTO event_erasures (tenant, generation) VALUES ($tenant, 1) ON CONFLICT (tenant) DO UPDATE SET generation = generation + 1";
            erasures.Parameters.AddWithValue("$tenant", tenant);
            erasures.ExecuteNonQuery();
        }
        return result;
    }

    public static int UpsertItems(SqliteWriterCommands commands, SqliteTransaction tx, string tenant, IReadOnlyList<CatalogItem> items, long updatedAtMs)
    {
        var upsert = commands.UpsertItem;
        upsert.Transaction = tx;
        var p = upsert.Parameters;
        p[0].Value = tenant;
        foreach (var item in items)
        {
            p[1].Value = item.ItemId;
            p[2].Value = ItemKinds.ToText(item.Kind);
            p[3].Value = item.Title;
            p[4].Value = LabelCodec.Encode(item.Genres);
            p[5].Value = LabelCodec.Encode(item.Tags);
            p[6].Value = (object?)item.Text ?? DBNull.Value;
            p[7].Value = DateText(item.AvailableFrom);
            p[8].Value = DateText(item.AvailableUntil);
            p[9].Value = updatedAtMs;
            upsert.ExecuteNonQuery();
            RecordItemChange(commands, tx, tenant, item.ItemId);
        }
        return items.Count;
    }

    /// <summary>Deletes an item and records the deletion in the change feed; false when there was no such item.</summary>
    public static bool DeleteItem(SqliteConnection connection, SqliteTransaction tx, SqliteWriterCommands commands, string tenant, string itemId)
    {
        using var delete = SqliteQueries.Command(connection, tx, "DELETE FROM items WHERE tenant = $tenant AND item_id = $id");
        delete.Parameters.AddWithValue("$tenant", tenant);
        delete.Parameters.AddWithValue("$id", itemId);
        if (delete.ExecuteNonQuery() == 0)
        {
            return false;
        }
        RecordItemChange(commands, tx, tenant, itemId);
        delete.CommandText = "DELETE FROM item_embeddings WHERE tenant = $tenant AND item_id = $id";
        delete.ExecuteNonQuery();
        return true;
    }

    private static void RecordItemChange(SqliteWriterCommands commands, SqliteTransaction tx, string tenant, string itemId)
    {
        var record = commands.RecordItemChange;
        record.Transaction = tx;
        record.Parameters[0].Value = tenant;
        record.Parameters[1].Value = itemId;
        record.ExecuteNonQuery();
    }

    private static object DateText(DateOnly? date) =>
        date is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : DBNull.Value;

    private struct BatchUser
    {
        public long Key;
        public bool Created;
        public bool HasEvents;
    }
}
