namespace MaaS.Storage.Tests.Postgres;

/// <summary>The file store contract against a real PostgreSQL server (skipped with a reason when none is reachable).</summary>
public sealed class PostgresFileStoreContractTests(PostgresServer server) : FileStoreContractTests(server), IClassFixture<PostgresServer>;
