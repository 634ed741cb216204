namespace MaaS.Storage.Postgres;

/// <summary>
/// PostgreSQL <see cref="IRecommendationCountStore"/>: one statement adds every distinct key of a call
/// (<c>INSERT … SELECT unnest(…) ON CONFLICT DO UPDATE SET count = count + excluded.count</c>), so replicas adding to
/// the same hour at once sum (the row lock orders them; keys are taken in one order, so they cannot deadlock).
/// A retry of a call whose commit succeeded but whose answer was lost would add twice: these are statistics, not
/// acknowledged events.
/// </summary>
internal sealed class PostgresRecommendationCountStore(PostgresDatabase database) : IRecommendationCountStore
{
    private readonly string _s = database.Schema;

    public async ValueTask<Result<int>> AddAsync(IReadOnlyList<RecommendationCount> counts, CancellationToken cancellationToken = default)
    {
        if (RecommendationCountCodec.Check(counts) is { } invalid)
        {
            return invalid;
        }

        var merged = RecommendationCountCodec.Merge(counts);
        if (merged.Count == 0)
        {
            return 0;
        }

        return await database.RunAsync("add recommendation counts", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"""
                INSERT INTO {_s}.recommendation_counts AS c (tenant, hour, kind, name, count)
                SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::bigint[])
                ON CONFLICT (tenant, hour, kind, name) DO UPDATE SET count = c.count + excluded.count
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. merged.Select(c => c.Tenant)] });
            command.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. merged.Select(c => TimeCodec.ToUtcDateTime(c.Hour))] });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. merged.Select(c => c.Kind)] });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. merged.Select(c => c.Name)] });
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. merged.Select(c => c.Count)] });
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return merged.Count;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<Result<IReadOnlyList<RecommendationCount>>> ReadAsync(
        string tenant, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        if (InputValidator.Tenant(tenant) is { } invalid)
        {
            return invalid;
        }

        var read = await database.RunAsync("read recommendation counts", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"""
                SELECT hour, kind, name, count FROM {_s}.recommendation_counts
                WHERE tenant = $1 AND hour >= $2 AND hour < $3 ORDER BY hour, kind, name
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(from) });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(to) });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var rows = new List<RecommendationCount>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                rows.Add(new RecommendationCount(tenant, reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
            }

            return rows;
        }, cancellationToken).ConfigureAwait(false);
        return read.IsSuccess ? read.Value : read.Error;
    }

    public async ValueTask<Result<IReadOnlyList<string>>> ListTenantsAsync(CancellationToken cancellationToken = default)
    {
        var read = await database.RunAsync("list recommendation count tenants", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT tenant FROM {_s}.recommendation_counts GROUP BY tenant ORDER BY tenant COLLATE \"C\"", connection);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var tenants = new List<string>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                tenants.Add(reader.GetString(0));
            }

            return tenants;
        }, cancellationToken).ConfigureAwait(false);
        return read.IsSuccess ? read.Value : read.Error;
    }

    public async ValueTask<Result<long>> PurgeBeforeAsync(string tenant, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        if (InputValidator.Tenant(tenant) is { } invalid)
        {
            return invalid;
        }

        return await database.RunAsync("purge recommendation counts", async (connection, ct) =>
        {
            // An hour's row is keyed by its start: it ends at or before the cutoff when it starts an hour before it or earlier.
            await using var command = new NpgsqlCommand($"DELETE FROM {_s}.recommendation_counts WHERE tenant = $1 AND hour <= $2", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(before.AddHours(-1)) });
            return (long)await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }
}
