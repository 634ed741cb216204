namespace MaaS.Gateway.FunctionalTests.Recommendations;

/// <summary>
/// Index rebuilds as durable jobs (issue #19): a rebuild requested on one gateway is a row in the job store, joined
/// while queued, and run by the next gateway over the same store after a restart.
/// </summary>
public sealed class DurableRebuildTests
{
    [Fact]
    public async Task Rebuild_TwoRequestsWhileQueued_OneJobThatRunsAfterRestart()
    {
        var ct = TestContext.Current.CancellationToken;
        string data = Path.Combine(Path.GetTempPath(), "maas-rebuild-" + Guid.NewGuid().ToString("N"));
        try
        {
            string id;
            // This replica accepts jobs but runs none, so the rebuild stays queued until the restart.
            await using (var accepting = Start(data, runsJobs: false))
            {
                var (first, firstJob) = await accepting.PostJsonAsync("/v1/recommendations/rebuild", "");
                var (second, secondJob) = await accepting.PostJsonAsync("/v1/recommendations/rebuild", "");
                Assert.True(first.StatusCode == HttpStatusCode.Accepted, $"{(int)first.StatusCode} {firstJob?.ToJsonString()}");
                Assert.True(second.StatusCode == HttpStatusCode.Accepted, $"{(int)second.StatusCode} {secondJob?.ToJsonString()}");
                id = firstJob!["id"]!.GetValue<string>();
                Assert.Equal(id, secondJob!["id"]!.GetValue<string>());
                Assert.Equal($"/v1/recommendations/rebuilds/{id}", second.Headers.Location?.OriginalString);
                Assert.Equal("queued", secondJob["status"]!.GetValue<string>());

                var (_, list) = await accepting.GetJsonAsync("/v1/recommendations/rebuilds");
                var jobs = list!.AsArray();
                Assert.True(jobs.Count == 1, list.ToJsonString());
                Assert.Equal("api", jobs[0]!["trigger"]!.GetValue<string>());
                var stored = await accepting.Services.GetRequiredService<IStorage>().Jobs.ListAsync(StorageLimits.DefaultTenant, null, null, 10, ct);
                Assert.Single(stored.Value, j => j.Kind == "index-rebuild");
            }

            await using var running = Start(data, runsJobs: true);
            var done = await RecommendationHost.WaitForJobAsync(running, id);
            Assert.True(done["status"]!.GetValue<string>() == "succeeded", done.ToJsonString());
            var result = done["result"]!;
            Assert.Equal(300, result["items"]!.GetValue<int>());
            Assert.True(result["version"]!.GetValue<long>() >= 1, done.ToJsonString());

            // The durable row ends too, holding the same result: what a restart or another replica reads back.
            var store = running.Services.GetRequiredService<IStorage>().Jobs;
            var clock = Stopwatch.StartNew();
            JobRecord record;
            while (!(record = (await store.GetAsync(StorageLimits.DefaultTenant, id, ct)).Value).IsFinished && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50, ct);
            }

            Assert.True(record.State == JobState.Succeeded, $"{record.State} {record.Error}");
            Assert.Contains($"\"version\":{result["version"]!.GetValue<long>()}", record.Result, StringComparison.Ordinal);
            Assert.Equal(1, record.Attempts);
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static GatewayHost Start(string data, bool runsJobs) => GatewayHost.Start(_ => { }, new Dictionary<string, string?>
    {
        ["Storage:DataDirectory"] = data,
        ["Storage:SeedDemoDataWhenEmpty"] = "true",
        ["Recommendations:BuildOnStart"] = "false",
        ["Jobs:Enabled"] = runsJobs ? "true" : "false",
        ["Jobs:PollSeconds"] = "0.1",
        ["Jobs:HeartbeatSeconds"] = "0.1",
    });
}
