using System.Globalization;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Validation;
using Microsoft.Data.Sqlite;

namespace MaaS.Storage.Sqlite;

/// <summary>
/// Every write the SQLite store performs, in one place. Each runs on the writer connection inside the caller's
/// transaction; all are idempotent.
/// </summary>
internal static class SqliteMutations
{
    public static int InsertEvents(SqliteWriterCommands commands, string tenant, IReadOnlyList<InteractionEvent> events)
    {
        // Users widened by this batch: only newly inserted events count, so a replayed batch changes nothing.
        var seen = new Dictionary<string, (long First, long Last)>(StringComparer.Ordinal);
        var inserted = 0;
        foreach (var e in events)
        {
            var ts = TimeCodec.ToUnixMs(e.Timestamp);
            if (!commands.InsertEvent(tenant, e.EventId, e.UserId, e.ItemId, e.Type, e.Value, ts)) continue;
            inserted++;
            seen[e.UserId] = seen.TryGetValue(e.UserId, out var span) ? (Math.Min(span.First, ts), Math.Max(span.Last, ts)) : (ts, ts);
        }
        foreach (var (userId, (first, last)) in seen) commands.UpsertUser(tenant, userId, first, last);
        return inserted;
    }

    public static EraseResult EraseUser(SqliteConnection connection, SqliteTransaction tx, string tenant, string userId)
    {
        using var events = connection.CreateCommand();
        events.Transaction = tx;
        events.CommandText = "DELETE FROM events WHERE tenant = $tenant AND user_id = $user";
        events.Parameters.AddWithValue("$tenant", tenant);
        events.Parameters.AddWithValue("$user", userId);
        var deleted = events.ExecuteNonQuery();
        using var user = connection.CreateCommand();
        user.Transaction = tx;
        user.CommandText = "DELETE FROM users WHERE tenant = $tenant AND user_id = $user";
        user.Parameters.AddWithValue("$tenant", tenant);
        user.Parameters.AddWithValue("$user", userId);
        return new EraseResult(deleted, user.ExecuteNonQuery() > 0);
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
        }
        return items.Count;
    }

    private static object DateText(DateOnly? date) =>
        date is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : DBNull.Value;
}
