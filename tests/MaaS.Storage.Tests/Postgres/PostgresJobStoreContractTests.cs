using MaaS.Storage.Postgres;

namespace MaaS.Storage.Tests.Postgres;

/// <summary>Each test on a schema of its own: claims see every tenant's jobs in a schema.</summary>
public sealed class PostgresJobStoreContractTests(PostgresServer server) : JobStoreContractTests(new OwnSchema(server)), IClassFixture<PostgresServer>
{
    private sealed class OwnSchema(PostgresServer server) : IStorageSource, IDisposable
    {
        private readonly string _schema = "maas_jobs_" + Guid.NewGuid().ToString("N")[..12];

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
                new PostgresStorageOptions { ConnectionString = server.ConnectionString, Schema = _schema }, privacy ?? server.DefaultPrivacy);
            return result.IsSuccess ? result.Value : result.Error;
        }

        public void Dispose()
        {
            if (server.SkipReason is null)
            {
                server.DropSchemaAsync(_schema).AsTask().GetAwaiter().GetResult();
            }
        }
    }
}
