using MaaS.Core;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Validation;
using Microsoft.Data.Sqlite;

namespace MaaS.Storage.Sqlite;

/// <summary>SQLite <see cref="IModelMarketStore"/>.</summary>
internal sealed class SqliteModelMarketStore(SqliteDatabase database) : ValidatedModelMarketStore
{
    public override ValueTask<Result<IReadOnlyList<ModelListing>>> ListAllAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<ModelListing>>("list model listings", connection => Query(connection, null, null));

    protected override ValueTask<Result<ModelListing>> ClaimCoreAsync(string tenant, string name, ModelVisibility visibility, CancellationToken cancellationToken) =>
        database.WriteAsync<ModelListing>("claim model", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            // Only the owner's claim updates the row: another tenant's claim is a no-op and reads the owner back.
            command.CommandText = """
                INSERT INTO model_listings (name, owner, visibility, created_at, updated_at) VALUES ($name, $owner, $vis, $now, $now)
                ON CONFLICT (name) DO UPDATE SET visibility = excluded.visibility, updated_at = excluded.updated_at
                WHERE model_listings.owner = excluded.owner
                """;
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$owner", tenant);
            command.Parameters.AddWithValue("$vis", SecurityValidator.Visibility(visibility));
            command.Parameters.AddWithValue("$now", TimeCodec.ToUnixMs(DateTimeOffset.UtcNow));
            command.ExecuteNonQuery();
            return Get(connection, tx, name)!;
        }, cancellationToken);

    protected override ValueTask<Result<ModelListing>> GetCoreAsync(string name, CancellationToken cancellationToken) =>
        database.ReadAsync<ModelListing>("get model listing", connection =>
            Get(connection, null, name) is { } listing ? listing : Error.NotFound("model"));

    protected override ValueTask<Result<ModelListing>> ShareCoreAsync(string tenant, string name, string grantee, CancellationToken cancellationToken) =>
        ChangeShare(tenant, name, grantee, "INSERT INTO model_shares (name, grantee) VALUES ($name, $grantee) ON CONFLICT DO NOTHING", "share model", cancellationToken);

    protected override ValueTask<Result<ModelListing>> UnshareCoreAsync(string tenant, string name, string grantee, CancellationToken cancellationToken) =>
        ChangeShare(tenant, name, grantee, "DELETE FROM model_shares WHERE name = $name AND grantee = $grantee", "unshare model", cancellationToken);

    protected override ValueTask<Result<bool>> DeleteCoreAsync(string tenant, string name, CancellationToken cancellationToken) =>
        database.WriteAsync<bool>("delete model listing", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "DELETE FROM model_listings WHERE name = $name AND owner = $owner";
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$owner", tenant);
            return command.ExecuteNonQuery() > 0 ? true : Error.NotFound("model");
        }, cancellationToken);

    private ValueTask<Result<ModelListing>> ChangeShare(
        string tenant, string name, string grantee, string sql, string operation, CancellationToken cancellationToken) =>
        database.WriteAsync<ModelListing>(operation, (connection, tx) =>
        {
            if (Get(connection, tx, name) is not { } listing || listing.Owner != tenant)
            {
                return Error.NotFound("model");
            }
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sql + "; UPDATE model_listings SET updated_at = $now WHERE name = $name";
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$grantee", grantee);
            command.Parameters.AddWithValue("$now", TimeCodec.ToUnixMs(DateTimeOffset.UtcNow));
            command.ExecuteNonQuery();
            return Get(connection, tx, name)!;
        }, cancellationToken);

    private static ModelListing? Get(SqliteConnection connection, SqliteTransaction? tx, string name) =>
        Query(connection, tx, name).FirstOrDefault();

    private static List<ModelListing> Query(SqliteConnection connection, SqliteTransaction? tx, string? name)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"""
            SELECT {ListingColumns}
            FROM model_listings l LEFT JOIN model_shares s ON s.name = l.name
            WHERE $name IS NULL OR l.name = $name
            ORDER BY l.name, s.grantee
            """;
        command.Parameters.AddWithValue("$name", (object?)name ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var fold = new ListingFold(static (r, i) => TimeCodec.FromUnixMs(r.GetInt64(i)));
        while (reader.Read())
        {
            fold.Add(reader);
        }
        return fold.Listings;
    }
}
