namespace MaaS.Storage.Tests.Postgres;

/// <summary>The event feed contract against a real PostgreSQL server (skipped with a reason when none is reachable).</summary>
public sealed class PostgresEventFeedContractTests(PostgresServer server) : EventFeedContractTests(server), IClassFixture<PostgresServer>;
