namespace MaaS.Storage.Tests.Sqlite;

/// <summary>The recommendation count contract against a fresh SQLite file per test.</summary>
public sealed class SqliteRecommendationCountContractTests() : RecommendationCountContractTests(new SqliteTestFile());
