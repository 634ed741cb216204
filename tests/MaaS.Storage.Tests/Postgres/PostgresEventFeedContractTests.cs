using Npgsql;

namespace MaaS.Storage.Tests.Postgres;

/// <summary>
/// The event feed contract against a real PostgreSQL server (skipped with a reason when none is reachable), with
/// appends whose transactions stay open: the rows are inserted as the store's append inserts them (the feed's commit
/// key is the column's default, the transaction's id), then the transaction waits before it commits.
/// </summary>
public sealed class PostgresEventFeedContractTests(PostgresServer server) : EventFeedContractTests(server), IClassFixture<PostgresServer>
{
    protected override async Task AppendHeldOpenAsync(IStorage storage, string tenant, IReadOnlyList<InteractionEvent> batch, TimeSpan hold, CancellationToken cancellationToken)
    {
        await using var open = await BeginAsync(tenant, batch, cancellationToken);
        await Task.Delay(hold, cancellationToken);
        await open.CommitAsync(cancellationToken);
    }

    [Fact]
    public async Task GetFeedHeadAsync_AnAppendStillOpenBelowACommittedOne_NeitherIsPassedAndBothAreReadOnceItCommits()
    {
        // The open append draws its sequence first; the store's append after it commits with a higher one. A head at
        // the highest committed sequence would pass the open one, which would then commit behind the reader.
        await using var open = await BeginAsync(Tenant, [Event("held", item: "held")], Ct);
        Assert.True((await Storage.Events.AppendAsync(Tenant, [Event("later", item: "later")], Ct)).IsSuccess);
        var whileOpen = await HeadNowAsync();
        var (before, last) = await ReadAsync(Storage, EventFeedCursor.Start, whileOpen.Position, T0.AddDays(-1));

        await open.CommitAsync(Ct);
        var committed = await HeadAsync();
        var (after, _) = await ReadAsync(Storage, last, committed.Position, T0.AddDays(-1));

        Assert.Empty(before);
        Assert.Equal(["held", "later"], after.Select(e => e.ItemId));
    }

    // Inserts as the store's append does (the commit key left to its default) in a transaction the caller commits.
    private async Task<OpenAppend> BeginAsync(string tenant, IReadOnlyList<InteractionEvent> batch, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO \"{server.Schema}\".events (tenant, event_id, user_id, item_id, type, value, ts) SELECT $1, e, 'held-user', i, 'play', 1, $4 FROM unnest($2::text[], $3::text[]) AS t(e, i)",
            connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(e => e.EventId)] });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(e => e.ItemId)] });
        insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = T0.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return new OpenAppend(connection, transaction);
    }

    private sealed class OpenAppend(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
