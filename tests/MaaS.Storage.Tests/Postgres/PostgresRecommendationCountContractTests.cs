namespace MaaS.Storage.Tests.Postgres;

/// <summary>The recommendation count contract against a real PostgreSQL server (skipped with a reason when none is reachable).</summary>
public sealed class PostgresRecommendationCountContractTests(PostgresServer server) : RecommendationCountContractTests(server), IClassFixture<PostgresServer>;
