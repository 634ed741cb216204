namespace MaaS.Storage.Tests.Sqlite;

public sealed class SqliteJobStoreContractTests() : JobStoreContractTests(new SqliteTestFile());
