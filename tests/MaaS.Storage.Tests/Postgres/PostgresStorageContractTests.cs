namespace MaaS.Storage.Tests.Postgres;

/// <summary>The shared contract against a real PostgreSQL server (skipped with a reason when none is reachable).</summary>
public sealed class PostgresStorageContractTests(PostgresServer server) : StorageContractTests(server), IClassFixture<PostgresServer>;
