namespace MaaS.Storage.Tests.Contract;

/// <summary>Where a contract test's store comes from: a SQLite file of its own, or the PostgreSQL test server.</summary>
public interface IStorageSource
{
    /// <summary>Opens the store under test, or calls Assert.Skip when its server is not reachable.</summary>
    ValueTask<IStorage> OpenAsync();

    /// <summary>Opens the same database with <paramref name="privacy"/>'s keys (null: the source's defaults); the error when it refuses.</summary>
    ValueTask<Result<IStorage>> TryOpenAsync(PrivacyOptions? privacy);
}
