using MaaS.Storage.Abstractions;
using MaaS.Storage.Postgres;
using MaaS.Storage.Tests.Contract;

namespace MaaS.Storage.Tests.Postgres;

/// <summary>The key and market contract against a real PostgreSQL server (skipped with a reason when none is reachable).</summary>
public sealed class PostgresSecurityStorageContractTests(PostgresServer server) : SecurityStorageContractTests, IClassFixture<PostgresServer>
{
    protected override async ValueTask<ISecurityStorage> OpenAsync()
    {
        // The data stores' migrations run in the same schema first: both version tables must coexist.
        await using (await server.OpenAsync()) { }
        var result = await PostgresSecurityStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = server.ConnectionString, Schema = server.Schema });
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }
}
