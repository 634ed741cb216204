namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>A replica SIGKILLed under load behind nginx.</summary>
[Collection(DeploymentCollection.Name)]
public sealed class FailoverTests(ReplicaTopology topology)
{
    [Fact]
    public async Task Events_ReplicaSigkilledUnderLoad_NginxFailsOverAndEveryAcknowledgedEventIsStored()
    {
        await topology.RequireAsync();
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper!;
        await using (var load = new EventLoad(topology.LoadBalancer, workers: 6))
        {
            await load.WaitForAcknowledgedAsync(300, TimeSpan.FromSeconds(20), ct);
            Assert.True(load.AcknowledgedCount >= 300, $"only {load.AcknowledgedCount} events acknowledged before the kill");
            int before = load.AcknowledgedCount;

            double killedAt = load.Now;
            topology.Replicas[0].Kill();
            await Task.Delay(TimeSpan.FromSeconds(4), ct);
            await load.StopAsync();
            double end = load.Now;

            var (total, failed) = load.Between(0, end);
            var (failoverTotal, failoverFailed) = load.Between(killedAt, killedAt + 1);
            var (lastTotal, lastFailed) = load.Between(end - 1.5, end);
            output.WriteLine($"failover: {total} requests, {failed} failed ({Percent(failed, total)}) in all; " +
                $"{failoverFailed}/{failoverTotal} ({Percent(failoverFailed, failoverTotal)}) in the first second after SIGKILL; " +
                $"{lastFailed}/{lastTotal} in the last 1.5 s; {load.AcknowledgedCount - before} events acknowledged after the kill");

            // nginx kept serving on the surviving replica...
            Assert.True(load.AcknowledgedCount - before >= 50, $"only {load.AcknowledgedCount - before} events acknowledged after the kill");
            Assert.True(lastTotal > 0 && lastFailed == 0, $"{lastFailed}/{lastTotal} requests still failed 2.5 s after the failover");

            // ...and nothing it acknowledged, before or after the kill, is missing from PostgreSQL.
            var stored = await DeploymentEnvironment.StoredEventIdsAsync(topology.ConnectionString, topology.Schema, ct);
            var missing = load.Acknowledged.Where(id => !stored.Contains(id)).Take(5).ToList();
            Assert.True(missing.Count == 0, $"acknowledged but not stored: {string.Join(", ", missing)}");
        }
    }

    private static string Percent(int part, int whole) => whole == 0 ? "n/a" : $"{100.0 * part / whole:0.0}%";
}
