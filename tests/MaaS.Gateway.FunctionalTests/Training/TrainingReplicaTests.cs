using MaaS.Gateway.FunctionalTests.Deployment;
using Npgsql;

namespace MaaS.Gateway.FunctionalTests.Training;

/// <summary>Two gateways over one PostgreSQL schema share the job queue: each job is claimed and run once.</summary>
public sealed class TrainingReplicaTests : IAsyncDisposable
{
    private const int Jobs = 6;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "maas-train-replicas-" + Guid.NewGuid().ToString("N"));
    private readonly string _schema = "maas_train_" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Trainings_TwoGatewaysOverOnePostgres_EachJobRunsOnce()
    {
        string dll = GatewayProcess.RequireGatewayDll();
        var ct = TestContext.Current.CancellationToken;
        string connection = DeploymentEnvironment.ConnectionString;
        try
        {
            await DeploymentEnvironment.ExecuteAsync(connection, "SELECT 1", ct);
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            DeploymentEnvironment.SkipOrFail($"PostgreSQL not reachable ({e.Message})");
        }

        string models = Path.Combine(_root, "models"), published = Path.Combine(_root, "published");
        Directory.CreateDirectory(models);
        var replicas = new List<GatewayProcess>();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                var settings = ReplicaTopology.Settings(connection, _schema, models, Path.Combine(_root, $"data{i}"), published);
                settings["Storage:SeedDemoDataWhenEmpty"] = "false";
                settings["Jobs:GlobalConcurrency"] = "4";
                settings["Jobs:PerTenantConcurrency"] = "4";
                settings["Jobs:LocalConcurrency"] = "2";
                settings["Jobs:PollSeconds"] = "0.05";
                settings["Jobs:HeartbeatSeconds"] = "0.2";
                var replica = new GatewayProcess(dll, ChildProcess.FreePort(), settings);
                replicas.Add(replica);
                await replica.StartAsync(TimeSpan.FromSeconds(90), ct);
            }

            var clients = replicas.Select(r => new HttpClient { BaseAddress = r.Address }).ToList();
            var ids = new List<string>();
            for (int j = 0; j < Jobs; j++)
            {
                ids.Add(await TrainingCalls.SubmitAcceptedAsync(clients[j % 2], TrainingCalls.SentimentCsv(300, seed: j), "text/csv", $"?model=m{j}&folds=2"));
            }

            foreach (var (id, j) in ids.Select((id, j) => (id, j)))
            {
                // Read through the other replica: the job's state is in the shared store, wherever it ran.
                var done = await TrainingCalls.WaitFinishedAsync(clients[(j + 1) % 2], id, TimeSpan.FromSeconds(120), () => replicas[0].Tail + "\n" + replicas[1].Tail);
                Assert.True(done["status"]!.GetValue<string>() == "succeeded", done.ToJsonString());
                Assert.Equal(1, done["attempts"]!.GetValue<int>());
                Assert.Equal(1, done["result"]!["version"]!.GetValue<long>());
                // One run publishes one version: a second run of the job would have written version 2.
                Assert.Equal(["1"], Directory.GetDirectories(Path.Combine(published, $"default.m{j}")).Select(Path.GetFileName));
            }

            await using var db = new NpgsqlConnection(connection);
            await db.OpenAsync(ct);
            await using var owners = new NpgsqlCommand($"SELECT count(DISTINCT claimed_by), count(*) FILTER (WHERE attempts <> 1) FROM \"{_schema}\".jobs", db);
            await using var reader = await owners.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            TestContext.Current.TestOutputHelper?.WriteLine($"{Jobs} jobs ran on {reader.GetInt64(0)} replica(s)");
            Assert.Equal(0, reader.GetInt64(1));
            clients.ForEach(c => c.Dispose());
        }
        finally
        {
            replicas.ForEach(r => r.Dispose());
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DeploymentEnvironment.ExecuteAsync(DeploymentEnvironment.ConnectionString, $"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", CancellationToken.None);
        }
        catch (NpgsqlException)
        {
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
