namespace MaaS.Gateway.FunctionalTests.Recommendations;

/// <summary>
/// Index rebuilds as jobs (issue #15 finding 4): <c>POST /v1/recommendations/rebuild</c> answers 202 with a job
/// resource, requests coalesce per tenant, erasures never queue a build each, oversized builds are refused up front and
/// every build has a deadline.
/// </summary>
public sealed class RebuildJobsTests
{
    [Fact]
    public async Task Rebuild_Post_Accepted202WithLocationThenSucceeded()
    {
        await using var host = GatewayHost.Start(_ => { }, new Dictionary<string, string?> { ["Storage:SeedDemoDataWhenEmpty"] = "true" });

        var (response, job) = await host.PostJsonAsync("/v1/recommendations/rebuild", "");

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {job?.ToJsonString()}");
        string id = job!["id"]!.GetValue<string>();
        Assert.Equal($"/v1/recommendations/rebuilds/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("index-rebuild", job["kind"]!.GetValue<string>());
        Assert.Contains(job["status"]!.GetValue<string>(), new[] { "queued", "running", "succeeded" });
        var done = await WaitForJobAsync(host, id);
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", done.ToJsonString());
        var result = done["result"]!;
        Assert.Equal(300, result["items"]!.GetValue<int>());
        Assert.True(result["events"]!.GetValue<long>() > 1000, done.ToJsonString());
        var created = done["createdAt"]!.GetValue<DateTimeOffset>();
        var started = done["startedAt"]!.GetValue<DateTimeOffset>();
        var finished = done["finishedAt"]!.GetValue<DateTimeOffset>();
        Assert.True(created <= started && started <= finished, done.ToJsonString());
        Assert.True(done["durationMilliseconds"]!.GetValue<double>() > 0, done.ToJsonString());
        var (similar, body) = await host.GetJsonAsync("/v1/items/movie-005/similar?count=1");
        Assert.Equal(HttpStatusCode.OK, similar.StatusCode);
        Assert.Equal(result["version"]!.GetValue<long>(), body!["modelVersion"]!.GetValue<long>());
    }

    [Fact]
    public async Task RebuildStatus_UnknownId_NotFoundProblem()
    {
        await using var host = GatewayHost.Start(_ => { });

        var (response, body) = await host.GetJsonAsync($"/v1/recommendations/rebuilds/{Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(404, body!["status"]!.GetValue<int>());
        Assert.Contains("rebuild job", body["detail"]?.GetValue<string>());
    }

    [Fact]
    public async Task DeleteUser_SixtyErasures_AtMostTwoBuilds()
    {
        await using var host = GatewayHost.Start(_ => { }, new Dictionary<string, string?>
        {
            ["Storage:SeedDemoDataWhenEmpty"] = "true",
            ["Recommendations:ErasureRebuildDelaySeconds"] = "1",
        });
        var users = Enumerable.Range(0, 60).Select(_ => Unique("u")).ToArray();
        await host.PostJsonAsync("/v1/events", Events([.. users.SelectMany(u => new[] { Event(Unique("e"), u, "movie-005"), Event(Unique("e"), u, "song-010") })]));
        long before = await ServingVersionAsync(host);

        var deleted = await Task.WhenAll(users.Select(u => host.SendJsonAsync(HttpMethod.Delete, $"/v1/users/{u}", null)));

        Assert.All(deleted, d => Assert.Equal(HttpStatusCode.NoContent, d.Response.StatusCode));
        // Whatever runs in the background must never amount to more than two new versions.
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < TimeSpan.FromSeconds(3);)
        {
            long serving = await ServingVersionAsync(host);
            Assert.True(serving <= before + 2, $"{serving - before} builds within {watch.Elapsed.TotalSeconds:0.0} s of 60 erasures");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var jobs = await WaitForIdleAsync(host, atLeast: 1);
        var erasureJobs = jobs.Where(j => j["trigger"]!.GetValue<string>() == "erasure").ToList();
        Assert.True(erasureJobs.Count is >= 1 and <= 2, $"{erasureJobs.Count} erasure builds: {new JsonArray([.. jobs.Select(j => j.DeepClone())]).ToJsonString()}");
        Assert.All(erasureJobs, j => Assert.Equal("succeeded", j["status"]!.GetValue<string>()));
        long after = await ServingVersionAsync(host);
        Assert.InRange(after, before + 1, before + 2);
        var history = await host.Services.GetRequiredService<IEventStore>().GetUserHistoryAsync("default", users[0], 10, TestContext.Current.CancellationToken);
        Assert.Empty(history.Value);
    }

    [Theory]
    [InlineData("ease", "Recommendations:MaxEaseItems", "100")]
    [InlineData("default", "Recommendations:MaxBuildEvents", "1000")]
    [InlineData("default", "Recommendations:MaxBuildItems", "200")]
    public async Task Rebuild_BeyondAdmissionLimit_BadRequestNamingTheLimit(string preset, string limit, string value)
    {
        await using var host = GatewayHost.Start(_ => { }, new Dictionary<string, string?>
        {
            ["Storage:SeedDemoDataWhenEmpty"] = "true",
            ["Recommendations:BuildOnStart"] = "false",
            ["Recommendations:Preset"] = preset,
            [limit] = value,
        });

        var (response, body) = await host.PostJsonAsync("/v1/recommendations/rebuild", "");

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body?.ToJsonString()}");
        string detail = body!["detail"]!.GetValue<string>();
        Assert.Contains(limit, detail);
        Assert.Contains(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), detail);
        var (_, jobs) = await host.GetJsonAsync("/v1/recommendations/rebuilds");
        Assert.Empty(jobs!.AsArray());
        var (similar, _) = await host.GetJsonAsync("/v1/items/movie-005/similar");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, similar.StatusCode);
    }

    [Fact]
    public async Task Rebuild_PastItsDeadline_FailedWithReasonAndServingVersionKept()
    {
        await using var host = GatewayHost.Start(_ => { }, new Dictionary<string, string?>
        {
            ["Recommendations:BuildOnStart"] = "false",
            ["Recommendations:Preset"] = "ease",
            ["Recommendations:MaxEaseItems"] = "6000",
            ["Recommendations:BuildTimeoutSeconds"] = "1",
        });
        var store = host.Services.GetRequiredService<IEventStore>();
        var ct = TestContext.Current.CancellationToken;
        var small = Enumerable.Range(0, 40).Select(i => Stored($"small-{i % 8}", $"i-{i % 10}")).ToList();
        Assert.True((await store.AppendAsync(StorageLimits.DefaultTenant, small, ct)).IsSuccess);
        var first = await RebuildAsync(host);
        Assert.True(first["status"]!.GetValue<string>() == "succeeded", first.ToJsonString());
        long serving = first["result"]!["version"]!.GetValue<long>();
        // A dense EASE build over 5,000 items is an items³ inverse: seconds of work, far past a 1 s deadline.
        var rng = new Random(7);
        var big = Enumerable.Range(0, 15_000).Select(i => Stored($"big-{i % 500}", $"i-{(i < 5_000 ? i : rng.Next(5_000))}")).ToList();
        foreach (var batch in big.Chunk(StorageLimits.MaxBatchSize))
        {
            Assert.True((await store.AppendAsync(StorageLimits.DefaultTenant, batch, ct)).IsSuccess);
        }

        var clock = Stopwatch.StartNew();
        var failed = await RebuildAsync(host);

        Assert.True(failed["status"]!.GetValue<string>() == "failed", failed.ToJsonString());
        Assert.Contains("deadline", failed["error"]!.GetValue<string>());
        Assert.Contains("Recommendations:BuildTimeoutSeconds", failed["error"]!.GetValue<string>());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the build stopped only after {clock.Elapsed.TotalSeconds:0.0} s");
        var (similar, body) = await host.GetJsonAsync("/v1/items/i-1/similar?count=1");
        Assert.Equal(HttpStatusCode.OK, similar.StatusCode);
        Assert.Equal(serving, body!["modelVersion"]!.GetValue<long>());
    }

    [Fact]
    public async Task RebuildRoutes_AppKey_Forbidden_OtherTenantsJob_NotFound()
    {
        await using var gateway = SecureGateway.Start();
        string app = await gateway.CreateKeyAsync("acme", ["app"]);
        string admin = await gateway.CreateKeyAsync("acme", ["admin"]);
        string otherAdmin = await gateway.CreateKeyAsync("globex", ["admin"]);
        await gateway.SendAsync(HttpMethod.Put, "/v1/items", app, """{"items":[{"id":"m1","kind":"movie","title":"M"}]}""");

        var (accepted, job) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/recommendations/rebuild", admin);
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{(int)accepted.StatusCode} {job?.ToJsonString()}");
        string path = accepted.Headers.Location!.OriginalString;

        using var byApp = await gateway.SendAsync(HttpMethod.Post, "/v1/recommendations/rebuild", app);
        using var statusByApp = await gateway.SendAsync(HttpMethod.Get, path, app);
        using var listByApp = await gateway.SendAsync(HttpMethod.Get, "/v1/recommendations/rebuilds", app);
        using var statusByOtherTenant = await gateway.SendAsync(HttpMethod.Get, path, otherAdmin);
        using var statusByOwner = await gateway.SendAsync(HttpMethod.Get, path, admin);
        Assert.Equal(HttpStatusCode.Forbidden, byApp.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, statusByApp.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, listByApp.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, statusByOtherTenant.StatusCode);
        Assert.Equal(HttpStatusCode.OK, statusByOwner.StatusCode);
    }

    private static InteractionEvent Stored(string user, string item) =>
        new(Guid.NewGuid().ToString("N"), user, item, "play", 1f, DateTimeOffset.UnixEpoch.AddDays(20_000));

    private static async Task<long> ServingVersionAsync(GatewayHost host)
    {
        var (response, body) = await host.GetJsonAsync("/v1/items/movie-005/similar?count=1");
        Assert.True(response.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
        return body!["modelVersion"]!.GetValue<long>();
    }

    /// <summary>The tenant's recent jobs once none is queued or running (and at least <paramref name="atLeast"/> exist).</summary>
    private static async Task<List<JsonNode>> WaitForIdleAsync(GatewayHost host, int atLeast)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (response, body) = await host.GetJsonAsync("/v1/recommendations/rebuilds");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body?.ToJsonString()}");
            var jobs = body!.AsArray().Select(j => j!).ToList();
            bool idle = jobs.Count >= atLeast && jobs.All(j => j["status"]!.GetValue<string>() is not ("queued" or "running"));
            if (idle || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.True(idle, $"not idle after 30 s: {body.ToJsonString()}");
                return jobs;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
