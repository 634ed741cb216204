namespace MaaS.Storage.Tests.Postgres;

/// <summary>The key and market contract against a real PostgreSQL server (skipped with a reason when none is reachable).</summary>
public sealed class PostgresKeyAndMarketContractTests(PostgresServer server) : KeyAndMarketContractTests(server), IClassFixture<PostgresServer>;
