namespace MaaS.Storage.Tests.Sqlite;

/// <summary>The privacy contract against a fresh SQLite file per test.</summary>
public sealed class SqlitePrivacyContractTests() : PrivacyContractTests(new SqliteTestFile(new PrivacyOptions { UserKey = K1 }));
