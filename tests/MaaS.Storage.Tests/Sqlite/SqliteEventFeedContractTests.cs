namespace MaaS.Storage.Tests.Sqlite;

/// <summary>The event feed contract against a fresh SQLite file per test.</summary>
public sealed class SqliteEventFeedContractTests() : EventFeedContractTests(new SqliteTestFile());
