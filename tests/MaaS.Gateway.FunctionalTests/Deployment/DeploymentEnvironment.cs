using Npgsql;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>
/// What the deployment tests need from the machine (nginx, PostgreSQL, the built gateway) and how they react when it
/// is missing: skip with the reason, except under CI (<c>MAAS_REQUIRE_POSTGRES=1</c>, exported by .ci/run after
/// .ci/setup installed everything), where a missing piece is a failure.
/// </summary>
internal static class DeploymentEnvironment
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=maas;Password=maas;Database=maas_test";

    /// <summary>The shared test server (<c>MAAS_TEST_POSTGRES</c>, default the one .ci/setup creates).</summary>
    public static string ConnectionString { get; } = new NpgsqlConnectionStringBuilder(
        Environment.GetEnvironmentVariable("MAAS_TEST_POSTGRES") is { Length: > 0 } s ? s : DefaultConnectionString)
    { Timeout = 15 }.ConnectionString;

    public static bool Required => Environment.GetEnvironmentVariable("MAAS_REQUIRE_POSTGRES") == "1";

    /// <summary>Skips the test with <paramref name="reason"/>, or fails it when CI requires the deployment tests to run.</summary>
    public static void SkipOrFail(string reason)
    {
        Assert.False(Required, reason + " (MAAS_REQUIRE_POSTGRES=1: .ci/setup should have provided it)");
        Assert.Skip(reason);
    }

    /// <summary>The repository's models/ folder (next to MaaS.sln above the test output), or null.</summary>
    public static string? FindModelsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MaaS.sln")) && Directory.Exists(Path.Combine(dir.FullName, "models")))
            {
                return Path.Combine(dir.FullName, "models");
            }
        }

        return null;
    }

    /// <summary>Null when <paramref name="connectionString"/> answers; otherwise why not.</summary>
    public static async Task<string?> ProbeAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return $"PostgreSQL not reachable ({e.GetType().Name}: {e.Message}); set MAAS_TEST_POSTGRES or run .ci/setup";
        }
    }

    public static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every stored event id of the default tenant, read straight from the schema's events table.</summary>
    public static async Task<HashSet<string>> StoredEventIdsAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        var opened = await MaaS.Storage.Postgres.PostgresStorage.OpenAsync(
            new MaaS.Storage.Postgres.PostgresStorageOptions { ConnectionString = connectionString, Schema = schema },
            new MaaS.Storage.Privacy.PrivacyOptions { UserKey = ReplicaTopology.UserKey }, cancellationToken: cancellationToken);
        Assert.True(opened.IsSuccess, opened.ToString());
        await using var storage = opened.Value;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var page in storage.Events.StreamAllAsync("default", cancellationToken: cancellationToken))
        {
            ids.UnionWith(page.Select(e => e.EventId));
        }

        return ids;
    }
}
