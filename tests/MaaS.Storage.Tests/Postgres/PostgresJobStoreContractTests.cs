namespace MaaS.Storage.Tests.Postgres;

/// <summary>Each test on a schema of its own: claims see every tenant's jobs in a schema.</summary>
public sealed class PostgresJobStoreContractTests : JobStoreContractTests, IClassFixture<PostgresServer>
{
    private readonly PostgresServer _server;
    private readonly OwnSchema _own;

    public PostgresJobStoreContractTests(PostgresServer server)
        : this(server, new OwnSchema(server))
    {
    }

    private PostgresJobStoreContractTests(PostgresServer server, OwnSchema own)
        : base(own) => (_server, _own) = (server, own);

    protected override async Task SetAllCreatedAtAsync(DateTimeOffset at)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand($"UPDATE \"{_own.Schema}\".jobs SET created_at = $1", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<DateTime> { TypedValue = at.UtcDateTime });
        await command.ExecuteNonQueryAsync(Ct);
    }

    private sealed class OwnSchema(PostgresServer server) : IStorageSource, IDisposable
    {
        public string Schema { get; } = "maas_jobs_" + Guid.NewGuid().ToString("N")[..12];

        public async ValueTask<IStorage> OpenAsync()
        {
            var result = await TryOpenAsync(null);
            Assert.True(result.IsSuccess, result.ToString());
            return result.Value;
        }

        public async ValueTask<Result<IStorage>> TryOpenAsync(MaaS.Storage.Privacy.PrivacyOptions? privacy)
        {
            if (server.SkipReason is not null)
            {
                Assert.False(Environment.GetEnvironmentVariable("MAAS_REQUIRE_POSTGRES") == "1", server.SkipReason);
                Assert.Skip(server.SkipReason);
            }

            // The tests' own user key, so they never create one in the data folder of whoever runs them.
            var result = await PostgresStorage.OpenAsync(
                new PostgresStorageOptions { ConnectionString = server.ConnectionString, Schema = Schema }, privacy ?? server.DefaultPrivacy);
            return result.IsSuccess ? result.Value : result.Error;
        }

        public void Dispose()
        {
            if (server.SkipReason is null)
            {
                server.DropSchemaAsync(Schema).AsTask().GetAwaiter().GetResult();
            }
        }
    }
}
