using MaaS.Core;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Validation;
using Npgsql;

namespace MaaS.Storage.Postgres;

/// <summary>PostgreSQL <see cref="IModelMarketStore"/>.</summary>
internal sealed class PostgresModelMarketStore(PostgresDatabase database) : ValidatedModelMarketStore
{
    // Only the owner's claim updates the row: another tenant's claim is a no-op and reads the owner back.
    private readonly string _claimSql = $"""
        INSERT INTO {database.Schema}.model_listings (name, owner, visibility, created_at, updated_at) VALUES ($1, $2, $3, now(), now())
        ON CONFLICT (name) DO UPDATE SET visibility = excluded.visibility, updated_at = excluded.updated_at
        WHERE {database.Schema}.model_listings.owner = excluded.owner
        """;
    private readonly string _querySql = $"""
        SELECT {ListingColumns}
        FROM {database.Schema}.model_listings l LEFT JOIN {database.Schema}.model_shares s ON s.name = l.name
        WHERE $1::text IS NULL OR l.name = $1
        ORDER BY l.name, s.grantee
        """;
    private readonly string _shareSql =
        $"INSERT INTO {database.Schema}.model_shares (name, grantee) SELECT $1, $3 FROM {database.Schema}.model_listings WHERE name = $1 AND owner = $2 ON CONFLICT DO NOTHING";
    private readonly string _unshareSql =
        $"DELETE FROM {database.Schema}.model_shares WHERE name = $1 AND grantee = $3 AND EXISTS (SELECT 1 FROM {database.Schema}.model_listings WHERE name = $1 AND owner = $2)";
    private readonly string _touchSql = $"UPDATE {database.Schema}.model_listings SET updated_at = now() WHERE name = $1 AND owner = $2";
    private readonly string _deleteSql = $"DELETE FROM {database.Schema}.model_listings WHERE name = $1 AND owner = $2";

    public override async ValueTask<Result<IReadOnlyList<ModelListing>>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        var result = await database.RunAsync("list model listings", (connection, ct) => QueryAsync(connection, null, ct), cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    protected override async ValueTask<Result<ModelListing>> ClaimCoreAsync(string tenant, string name, ModelVisibility visibility, CancellationToken cancellationToken)
    {
        var result = await database.RunAsync("claim model", async (connection, ct) =>
        {
            await using (var command = new NpgsqlCommand(_claimSql, connection))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SecurityValidator.Visibility(visibility) });
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            return (await QueryAsync(connection, name, ct).ConfigureAwait(false))[0];
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    protected override async ValueTask<Result<ModelListing>> GetCoreAsync(string name, CancellationToken cancellationToken)
    {
        var result = await database.RunAsync("get model listing", (connection, ct) => QueryAsync(connection, name, ct), cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        return result.Value.Count > 0 ? result.Value[0] : Error.NotFound("model");
    }

    protected override ValueTask<Result<ModelListing>> ShareCoreAsync(string tenant, string name, string grantee, CancellationToken cancellationToken) =>
        ChangeShareAsync(tenant, name, grantee, _shareSql, "share model", cancellationToken);

    protected override ValueTask<Result<ModelListing>> UnshareCoreAsync(string tenant, string name, string grantee, CancellationToken cancellationToken) =>
        ChangeShareAsync(tenant, name, grantee, _unshareSql, "unshare model", cancellationToken);

    protected override async ValueTask<Result<bool>> DeleteCoreAsync(string tenant, string name, CancellationToken cancellationToken)
    {
        var result = await database.RunAsync("delete model listing", async (connection, ct) =>
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

    private async ValueTask<Result<ModelListing>> ChangeShareAsync(
        string tenant, string name, string grantee, string sql, string operation, CancellationToken cancellationToken)
    {
        var result = await database.RunAsync(operation, async (connection, ct) =>
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
            await using (var command = new NpgsqlCommand(sql, connection, tx))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grantee });
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return (await QueryAsync(connection, name, ct).ConfigureAwait(false))[0];
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        return result.Value is { } listing ? listing : Error.NotFound("model");
    }

    private async Task<List<ModelListing>> QueryAsync(NpgsqlConnection connection, string? name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_querySql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var fold = new ListingFold(static (r, i) => TimeCodec.FromUtcDateTime(r.GetFieldValue<DateTime>(i)));
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            fold.Add(reader);
        }
        return fold.Listings;
    }
}
