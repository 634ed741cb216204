namespace MaaS.Storage.Tests.Postgres;

/// <summary>The catalogue change feed contract against a real PostgreSQL server, and the wake-up across replicas.</summary>
public sealed class PostgresCatalogChangeFeedContractTests(PostgresServer server) : CatalogChangeFeedContractTests(server), IClassFixture<PostgresServer>
{
    [Fact]
    public async Task WaitForChangeAsync_WriteThroughAnotherReplica_NotifiedLongBeforeTheTimeout()
    {
        await using var other = await OpenAsync();
        // The first wait starts the listener, which signals once it is listening; the second consumes a signal left over.
        await Storage.Catalog.WaitForChangeAsync(TimeSpan.FromSeconds(10), Ct);
        await Storage.Catalog.WaitForChangeAsync(TimeSpan.Zero, Ct);
        var clock = Stopwatch.StartNew();
        var waiting = Storage.Catalog.WaitForChangeAsync(TimeSpan.FromSeconds(30), Ct).AsTask();

        await other.Catalog.UpsertAsync(Tenant, [Item("elsewhere")], Ct);
        await waiting;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the notification took {clock.Elapsed}");
    }
}
