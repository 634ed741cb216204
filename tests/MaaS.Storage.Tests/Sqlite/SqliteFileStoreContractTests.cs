namespace MaaS.Storage.Tests.Sqlite;

/// <summary>The file store contract against a fresh SQLite file per test.</summary>
public sealed class SqliteFileStoreContractTests() : FileStoreContractTests(new SqliteTestFile());
