namespace MaaS.Storage.Postgres;

internal static class PostgresQueries
{
    public static async ValueTask<Result<long>> CountAsync(
        PostgresDatabase database, string tenant, string sql, string operation, CancellationToken cancellationToken)
    {
        if (InputValidator.Tenant(tenant) is { } invalid)
        {
            return invalid;
        }
        return await database.RunAsync(operation, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="command"/> and maps every row it returns with <paramref name="read"/>.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }
        return rows;
    }
}
