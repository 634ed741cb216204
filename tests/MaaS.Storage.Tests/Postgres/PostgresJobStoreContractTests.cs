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
            if (server.SkipReason is not null)
            {
                Assert.False(Environment.GetEnvironmentVariable("MAAS_REQUIRE_POSTGRES") == "1", server.SkipReason);
                Assert.Skip(server.SkipReason);
            }

            var result = await PostgresStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = server.ConnectionString, Schema = _schema });
            Assert.True(result.IsSuccess, result.ToString());
            return result.Value;
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
