namespace MaaS.Storage.Tests.Postgres;

/// <summary>
/// The privacy contract against a real PostgreSQL server, in a schema of each test's own: the key check values a test
/// leaves in its schema must not refuse the next test's keys.
/// </summary>
public sealed class PostgresPrivacyContractTests() : PrivacyContractTests(new PostgresSchemaSource());

/// <summary>A schema of its own on the test server, dropped on dispose; skips like <see cref="PostgresServer"/>.</summary>
internal sealed class PostgresSchemaSource : IStorageSource, IDisposable
{
    private readonly PostgresServer _server = new() { DefaultPrivacy = new PrivacyOptions { UserKey = PrivacyContractTests.K1 } };
    private bool _initialized;

    public async ValueTask<IStorage> OpenAsync()
    {
        await EnsureInitializedAsync();
        return await _server.OpenAsync();
    }

    public async ValueTask<Result<IStorage>> TryOpenAsync(PrivacyOptions? privacy)
    {
        await EnsureInitializedAsync();
        return await _server.TryOpenAsync(privacy);
    }

    public void Dispose()
    {
        if (_initialized)
        {
            _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private async ValueTask EnsureInitializedAsync()
    {
        if (!_initialized)
        {
            await _server.InitializeAsync();
            _initialized = true;
        }
    }
}
