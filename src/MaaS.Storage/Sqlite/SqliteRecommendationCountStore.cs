namespace MaaS.Storage.Sqlite;

/// <summary>
/// SQLite <see cref="IRecommendationCountStore"/>: one upsert per distinct key on the file's writer thread, in one
/// transaction; other processes on the same file wait for its write lock, so their additions sum.
/// </summary>
internal sealed class SqliteRecommendationCountStore(SqliteDatabase database) : IRecommendationCountStore
{
    public ValueTask<Result<int>> AddAsync(IReadOnlyList<RecommendationCount> counts, CancellationToken cancellationToken = default)
    {
        if (RecommendationCountCodec.Check(counts) is { } invalid)
        {
            return ValueTask.FromResult<Result<int>>(invalid);
        }

        var merged = RecommendationCountCodec.Merge(counts);
        if (merged.Count == 0)
        {
            return ValueTask.FromResult(Result<int>.Ok(0));
        }

        return database.WriteAsync<int>("add recommendation counts", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = """
                INSERT INTO recommendation_counts (tenant, hour, kind, name, count) VALUES ($tenant, $hour, $kind, $name, $count)
                ON CONFLICT (tenant, hour, kind, name) DO UPDATE SET count = count + excluded.count
                """;
            var tenant = command.Parameters.Add("$tenant", SqliteType.Text);
            var hour = command.Parameters.Add("$hour", SqliteType.Integer);
            var kind = command.Parameters.Add("$kind", SqliteType.Text);
            var name = command.Parameters.Add("$name", SqliteType.Text);
            var count = command.Parameters.Add("$count", SqliteType.Integer);
            foreach (var c in merged)
            {
                (tenant.Value, hour.Value, kind.Value, name.Value, count.Value) = (c.Tenant, TimeCodec.ToUnixMs(c.Hour), c.Kind, c.Name, c.Count);
                command.ExecuteNonQuery();
            }

            return Result<int>.Ok(merged.Count);
        }, cancellationToken);
    }

    public ValueTask<Result<IReadOnlyList<RecommendationCount>>> ReadAsync(
        string tenant, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        if (InputValidator.Tenant(tenant) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<RecommendationCount>>>(invalid);
        }

        return database.ReadAsync<IReadOnlyList<RecommendationCount>>("read recommendation counts", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT hour, kind, name, count FROM recommendation_counts
                WHERE tenant = $tenant AND hour >= $from AND hour < $to ORDER BY hour, kind, name
                """;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$from", TimeCodec.ToUnixMs(from));
            command.Parameters.AddWithValue("$to", TimeCodec.ToUnixMs(to));
            using var reader = command.ExecuteReader();
            var rows = new List<RecommendationCount>();
            while (reader.Read())
            {
                rows.Add(new RecommendationCount(tenant, TimeCodec.FromUnixMs(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
            }

            return rows;
        });
    }

    public ValueTask<Result<IReadOnlyList<string>>> ListTenantsAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<string>>("list recommendation count tenants", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT DISTINCT tenant FROM recommendation_counts ORDER BY tenant";
            using var reader = command.ExecuteReader();
            var tenants = new List<string>();
            while (reader.Read())
            {
                tenants.Add(reader.GetString(0));
            }

            return tenants;
        });

    public ValueTask<Result<long>> PurgeBeforeAsync(string tenant, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        if (InputValidator.Tenant(tenant) is { } invalid)
        {
            return ValueTask.FromResult<Result<long>>(invalid);
        }

        return database.WriteAsync<long>("purge recommendation counts", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            // An hour's row is keyed by its start: it ends at or before the cutoff when it starts an hour before it or earlier.
            command.CommandText = "DELETE FROM recommendation_counts WHERE tenant = $tenant AND hour <= $last";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$last", TimeCodec.ToUnixMs(before) - 3_600_000);
            return Result<long>.Ok(command.ExecuteNonQuery());
        }, cancellationToken);
    }
}
