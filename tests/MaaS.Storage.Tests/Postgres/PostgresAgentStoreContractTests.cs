namespace MaaS.Storage.Tests.Postgres;

public sealed class PostgresAgentStoreContractTests(PostgresServer server) : AgentStoreContractTests(server), IClassFixture<PostgresServer>;
