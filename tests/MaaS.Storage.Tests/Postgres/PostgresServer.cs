using Npgsql;

namespace MaaS.Storage.Tests.Postgres;

/// <summary>
/// The test server from <c>MAAS_TEST_POSTGRES</c> (default: the one .ci/setup creates). Each fixture gets its own
/// schema, dropped afterwards, so runs never see each other's tables.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime, IStorageSource
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=maas;Password=maas;Database=maas_test";

    public string ConnectionString { get; } = Normalize(Environment.GetEnvironmentVariable("MAAS_TEST_POSTGRES") is { Length: > 0 } s ? s : DefaultConnectionString);

    /// <summary>The user key of every open that names no other (32 bytes, base64).</summary>
    public const string TestUserKey = "cG9zdGdyZXMtY29udHJhY3QtdGVzdHMtdXNlci1rZXk=";

    /// <summary>The keys of an open that names none.</summary>
    public PrivacyOptions DefaultPrivacy { get; init; } = new() { UserKey = TestUserKey };

    public string Schema { get; } = "maas_test_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Null when the server answered; otherwise why the PostgreSQL tests are skipped.</summary>
    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            SkipReason = $"PostgreSQL not reachable ({ex.GetType().Name}: {ex.Message}); set MAAS_TEST_POSTGRES or run .ci/setup to run these tests.";
        }
    }

    public async ValueTask<IStorage> OpenAsync()
    {
        var result = await TryOpenAsync(null);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    public async ValueTask<Result<IStorage>> TryOpenAsync(PrivacyOptions? privacy)
    {
        if (SkipReason is not null)
        {
            // CI starts a server (.ci/setup) and says so: there an unreachable server is a failure, not a skip.
            Assert.False(Environment.GetEnvironmentVariable("MAAS_REQUIRE_POSTGRES") == "1", SkipReason);
            Assert.Skip(SkipReason);
        }

        // The tests' own user key, so they never create one in the data folder of whoever runs them.
        privacy ??= DefaultPrivacy;
        var result = await PostgresStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = ConnectionString, Schema = Schema }, privacy);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public async ValueTask DropSchemaAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (SkipReason is null)
        {
            await DropSchemaAsync(Schema);
        }
    }

    private static string Normalize(string connectionString) =>
        // An absent server refuses the connection at once; the timeout only bounds a slow one (a loaded CI machine).
        new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 15 }.ConnectionString;
}
