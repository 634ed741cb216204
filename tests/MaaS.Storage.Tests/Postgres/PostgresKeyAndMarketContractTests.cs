namespace MaaS.Storage.Tests.Postgres;

/// <summary>The key and market contract against a real PostgreSQL server (skipped with a reason when none is reachable), and the version policies' wake-up across replicas.</summary>
public sealed class PostgresKeyAndMarketContractTests(PostgresServer server) : KeyAndMarketContractTests(server), IClassFixture<PostgresServer>
{
    [Fact]
    public async Task WaitForVersionPolicyChangeAsync_PutThroughAnotherReplica_NotifiedLongBeforeTheTimeout()
    {
        await using var other = await OpenAsync();
        // The first wait starts the listener, which signals once it is listening; the second consumes a signal left over.
        await Storage.Market.WaitForVersionPolicyChangeAsync(TimeSpan.FromSeconds(10), Ct);
        await Storage.Market.WaitForVersionPolicyChangeAsync(TimeSpan.Zero, Ct);
        var clock = Stopwatch.StartNew();
        var waiting = Storage.Market.WaitForVersionPolicyChangeAsync(TimeSpan.FromSeconds(30), Ct).AsTask();

        await other.Market.PutVersionPolicyAsync(new ModelVersionPolicy("m-" + Guid.NewGuid().ToString("N")[..12], 3, null, null), Ct);
        await waiting;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the notification took {clock.Elapsed}");
    }
}
