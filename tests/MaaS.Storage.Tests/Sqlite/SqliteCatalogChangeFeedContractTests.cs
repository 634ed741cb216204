namespace MaaS.Storage.Tests.Sqlite;

/// <summary>The catalogue change feed contract against a fresh SQLite file per test.</summary>
public sealed class SqliteCatalogChangeFeedContractTests() : CatalogChangeFeedContractTests(new SqliteTestFile());
