namespace MaaS.Storage.Tests.Sqlite;

/// <summary>The shared contract against a fresh SQLite file per test (reopen closes and reopens that file).</summary>
public sealed class SqliteStorageContractTests() : StorageContractTests(new SqliteTestFile());
