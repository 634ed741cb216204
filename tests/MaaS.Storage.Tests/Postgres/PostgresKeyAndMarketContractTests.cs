namespace MaaS.Storage.Tests.Postgres;

/// <summary>The key and market contract against a real PostgreSQL server (skipped with a reason when none is reachable), and the version policies' wake-up across replicas.</summary>
public sealed class PostgresKeyAndMarketContractTests(PostgresServer server) : KeyAndMarketContractTests(server), IClassFixture<PostgresServer>
{
    [Fact]
    public Task WaitForVersionPolicyChangeAsync_PutThroughAnotherReplica_NotifiedLongBeforeTheTimeout() =>
        AssertOtherStoreWakesAsync(
            (storage, timeout) => storage.Market.WaitForVersionPolicyChangeAsync(timeout, Ct),
            async other => await other.Market.PutVersionPolicyAsync(new ModelVersionPolicy("m-" + Guid.NewGuid().ToString("N")[..12], 3, null, null), Ct));
}
