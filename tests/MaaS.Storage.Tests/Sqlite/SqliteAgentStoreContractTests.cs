namespace MaaS.Storage.Tests.Sqlite;

public sealed class SqliteAgentStoreContractTests() : AgentStoreContractTests(new SqliteTestFile());
