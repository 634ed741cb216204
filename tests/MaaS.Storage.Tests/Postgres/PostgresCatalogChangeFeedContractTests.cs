namespace MaaS.Storage.Tests.Postgres;

/// <summary>The catalogue change feed contract against a real PostgreSQL server, and the wake-up across replicas.</summary>
public sealed class PostgresCatalogChangeFeedContractTests(PostgresServer server) : CatalogChangeFeedContractTests(server), IClassFixture<PostgresServer>
{
    [Fact]
    public Task WaitForChangeAsync_WriteThroughAnotherReplica_NotifiedLongBeforeTheTimeout() =>
        AssertOtherStoreWakesAsync(
            (storage, timeout) => storage.Catalog.WaitForChangeAsync(timeout, Ct),
            async other => await other.Catalog.UpsertAsync(Tenant, [Item("elsewhere")], Ct));
}
