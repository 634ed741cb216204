using Npgsql;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>
/// PostgreSQL stopped and started under load. It runs on its own cluster (.ci/setup's 'restart' cluster, or the one
/// serving <c>MAAS_TEST_POSTGRES_RESTART</c>), never the shared one, so test projects running in parallel with this
/// one see no outage.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class PostgresRestartTests(ReplicaTopology topology) : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "maas-pgrestart-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _schema = "maas_restart_" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Gateway_PostgresRestartedUnderLoad_RecoversByItselfAndReadinessShowsTheOutage()
    {
        // Only the checks (nginx, PostgreSQL, the built gateway) and the model repository: its gateway is its own.
        await topology.RequireAsync(replicas: false);
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper!;
        var cluster = await FindClusterAsync(ct);
        if (cluster.SkipReason is not null)
        {
            DeploymentEnvironment.SkipOrFail(cluster.SkipReason);
        }

        var (version, name, connectionString) = (cluster.Version!, cluster.Name!, cluster.ConnectionString!);
        // Several checkouts on one machine may run this test at once: one restart at a time per cluster.
        using var exclusive = await LockClusterAsync(name, ct);
        await DeploymentEnvironment.ExecuteAsync(connectionString, $"CREATE SCHEMA \"{_schema}\"", ct);
        try
        {
            using var gateway = new GatewayProcess(
                GatewayProcess.FindGatewayDll()!, ChildProcess.FreePort(),
                ReplicaTopology.Settings(connectionString, _schema, topology.ModelsDirectory, _data));
            await gateway.StartAsync(TimeSpan.FromSeconds(90), ct);
            using var probe = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(5) };

            double stoppedAt, startedAt, readyAt, end;
            await using (var load = new EventLoad(gateway.Address, workers: 4))
            {
                await load.WaitForAcknowledgedAsync(100, TimeSpan.FromSeconds(20), ct);
                Assert.True(load.AcknowledgedCount >= 100, $"only {load.AcknowledgedCount} events acknowledged before the outage:\n{gateway.Tail}");

                stoppedAt = load.Now;
                await PgCtlAsync(version, name, "stop", ct);
                // Readiness must say what the load cannot see (its calls wait in the retry loop).
                Assert.True(await WaitForStatusAsync(probe, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10), ct),
                    "/v2/health/ready stayed 200 with PostgreSQL down");
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                startedAt = load.Now;
                await PgCtlAsync(version, name, "start", ct);
                Assert.True(await WaitForStatusAsync(probe, HttpStatusCode.OK, TimeSpan.FromSeconds(20), ct),
                    $"/v2/health/ready did not return to 200 after PostgreSQL came back:\n{gateway.Tail}");
                readyAt = load.Now;
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
                await load.StopAsync();
                end = load.Now;

                var (outageTotal, outageFailed) = load.Between(stoppedAt, readyAt);
                var (afterTotal, afterFailed) = load.Between(readyAt + 0.5, end);
                // Each of the 4 workers alternates an event batch and a recommendation, and the call in flight at the stop
                // may wait out the whole outage in the retry loop, so no batch need be *sent* while it is down: count
                // the calls of either kind answered only after the restart.
                int bridged = load.AnsweredAcross(startedAt);
                output.WriteLine($"postgres restart: down {startedAt - stoppedAt:0.0} s, ready again {readyAt - startedAt:0.0} s after start; " +
                    $"{outageFailed}/{outageTotal} requests failed during the outage, {bridged} calls in flight while it was down were " +
                    $"answered after the restart; {afterFailed}/{afterTotal} failed after recovery");

                // Recovered by itself (same process, no restart), and the retries carried calls across the outage.
                Assert.True(gateway.IsRunning, "the gateway exited");
                Assert.True(afterTotal > 0 && afterFailed == 0, $"{afterFailed}/{afterTotal} requests failed after recovery:\n{gateway.Tail}");
                Assert.True(bridged > 0,
                    $"no call in flight during the outage was answered after it: transient faults are not retried, or not for long enough (down {startedAt - stoppedAt:0.0} s, " +
                    $"ready {readyAt - startedAt:0.0} s after the start; {outageFailed}/{outageTotal} calls failed during the outage):\n{gateway.Tail}");

                var stored = await DeploymentEnvironment.StoredEventIdsAsync(connectionString, _schema, ct);
                var missing = load.Acknowledged.Where(id => !stored.Contains(id)).Take(5).ToList();
                Assert.True(missing.Count == 0, $"acknowledged but not stored: {string.Join(", ", missing)}");
            }
        }
        finally
        {
            // Whatever happened above, leave the cluster running for the next run.
            await PgCtlAsync(version, name, "start", CancellationToken.None, ignoreFailure: true);
            await DropSchemaAsync(connectionString);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private sealed record Cluster(string? Version, string? Name, string? ConnectionString, string? SkipReason);

    /// <summary>The Debian cluster this test may restart: by <c>MAAS_TEST_POSTGRES_RESTART</c>'s port, else the one named 'restart'.</summary>
    private static async Task<Cluster> FindClusterAsync(CancellationToken ct)
    {
        if (!File.Exists("/usr/bin/pg_lsclusters") || !File.Exists("/usr/bin/pg_ctlcluster"))
        {
            return new Cluster(null, null, null, "pg_lsclusters/pg_ctlcluster not found (Debian's postgresql-common): cannot restart PostgreSQL");
        }

        if (Environment.UserName != "root")
        {
            return new Cluster(null, null, null, "restarting a PostgreSQL cluster needs root (CI runs as root)");
        }

        string? given = Environment.GetEnvironmentVariable("MAAS_TEST_POSTGRES_RESTART") is { Length: > 0 } s ? s : null;
        int? port = given is null ? null : new NpgsqlConnectionStringBuilder(given).Port;
        var (code, text) = await ChildProcess.RunAsync("/usr/bin/pg_lsclusters", ["-h"], ct);
        if (code != 0)
        {
            return new Cluster(null, null, null, $"pg_lsclusters failed: {text}");
        }

        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 3 || !int.TryParse(f[2], out int clusterPort))
            {
                continue;
            }

            if (port is null ? f[1] == "restart" : clusterPort == port)
            {
                string connection = given ?? new NpgsqlConnectionStringBuilder(DeploymentEnvironment.ConnectionString) { Port = clusterPort }.ConnectionString;
                string? unreachable = await DeploymentEnvironment.ProbeAsync(connection, ct);
                return new Cluster(f[0], f[1], connection, unreachable);
            }
        }

        return new Cluster(null, null, null, "no PostgreSQL cluster named 'restart' (.ci/setup creates it) and MAAS_TEST_POSTGRES_RESTART is not set");
    }

    /// <summary>An exclusive lock file (flock on Linux) held for the whole test; waits up to 3 minutes for it.</summary>
    private static async Task<FileStream> LockClusterAsync(string name, CancellationToken ct)
    {
        string path = Path.Combine(Path.GetTempPath(), $"maas-pg-restart-{name}.lock");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < TimeSpan.FromMinutes(3))
            {
                await Task.Delay(500, ct);
            }
        }
    }

    private static async Task PgCtlAsync(string version, string name, string action, CancellationToken ct, bool ignoreFailure = false)
    {
        string[] arguments = action == "stop" ? [version, name, "stop", "-m", "fast"] : [version, name, action];
        var (code, text) = await ChildProcess.RunAsync("/usr/bin/pg_ctlcluster", arguments, ct);
        // "start" on a running cluster exits 2 ("already running"): fine when only making sure it runs.
        Assert.True(ignoreFailure || code == 0, $"pg_ctlcluster {string.Join(' ', arguments)} exited {code}: {text}");
    }

    private static async Task<bool> WaitForStatusAsync(HttpClient client, HttpStatusCode wanted, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                using var response = await client.GetAsync("/v2/health/ready", ct);
                if (response.StatusCode == wanted)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
            }

            await Task.Delay(50, ct);
        }

        return false;
    }

    private async Task DropSchemaAsync(string connectionString)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                await DeploymentEnvironment.ExecuteAsync(connectionString, $"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", CancellationToken.None);
                return;
            }
            catch (NpgsqlException)
            {
                // The server may still be starting.
                await Task.Delay(250);
            }
        }
    }
}
