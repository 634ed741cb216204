namespace MaaS.Gateway.FunctionalTests.Recommendations;

/// <summary>
/// The privacy surface over a real gateway: the export returns exactly what was stored, the database file the
/// gateway wrote holds no raw user id, and retention purges expired events in the background.
/// </summary>
public sealed class PrivacyEndpointsTests(RecommendationHost host) : IClassFixture<RecommendationHost>
{
    [Fact]
    public async Task Export_UserWithEvents_ReturnsExactlyWhatWasStoredAndTheDerivedProfile()
    {
        string user = Unique("export-user");
        string item = Unique("movie");
        var sent = new[]
        {
            (Id: Unique("e"), Item: item, Type: "play", Value: 0.75f, At: Day0),
            (Id: Unique("e"), Item: "movie-001", Type: "rate", Value: 4.5f, At: Day0.AddHours(5).AddMilliseconds(123)),
            (Id: Unique("e"), Item: item, Type: "like", Value: 1f, At: Day0.AddDays(2)),
        };
        await host.Gateway.PostJsonAsync("/v1/events", Events([.. sent.Select(e => Event(e.Id, user, e.Item, e.Type, e.Value, e.At))]));

        var (response, body) = await host.Gateway.GetJsonAsync($"/v1/users/{user}/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(user, body!["userId"]!.GetValue<string>());
        Assert.Equal(Day0, body["firstSeen"]!.GetValue<DateTimeOffset>());
        Assert.Equal(Day0.AddDays(2), body["lastSeen"]!.GetValue<DateTimeOffset>());
        var events = body["events"]!.AsArray().Select(e => (
            Id: e!["eventId"]!.GetValue<string>(), Item: e["itemId"]!.GetValue<string>(), Type: e["type"]!.GetValue<string>(),
            Value: e["value"]!.GetValue<float>(), At: e["timestamp"]!.GetValue<DateTimeOffset>())).ToList();
        Assert.Equal(sent.Reverse(), events);
        Assert.Equal(3, body["profile"]!["events"]!.GetValue<int>());
        Assert.Equal(2, body["profile"]!["diversity"]!["distinctItems"]!.GetValue<int>());
    }

    [Fact]
    public async Task ExportAndAnalysis_UnknownOrErasedUser_BothTheEmptyAnswer()
    {
        string nobody = Unique("nobody");
        string erased = Unique("erased");
        await host.Gateway.PostJsonAsync("/v1/events", Events(Event(Unique("e"), erased, "movie-001")));
        using (var erasure = await host.Gateway.Client.DeleteAsync($"/v1/users/{erased}", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, erasure.StatusCode);
        }

        foreach (string user in new[] { nobody, erased })
        {
            var (exported, export) = await host.Gateway.GetJsonAsync($"/v1/users/{user}/export");
            var (analysed, analysis) = await host.Gateway.GetJsonAsync($"/v1/users/{user}/analysis");

            Assert.True(exported.StatusCode == HttpStatusCode.OK, $"{user} export: {(int)exported.StatusCode} {export?.ToJsonString()}");
            Assert.True(analysed.StatusCode == HttpStatusCode.OK, $"{user} analysis: {(int)analysed.StatusCode} {analysis?.ToJsonString()}");
            Assert.Equal(user, export!["userId"]!.GetValue<string>());
            Assert.Empty(export["events"]!.AsArray());
            Assert.Null(export["firstSeen"]);
            Assert.Null(export["lastSeen"]);
            Assert.Equal(0, export["profile"]!["events"]!.GetValue<int>());
            Assert.Equal(0, analysis!["events"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Events_ThroughTheApi_NoRawUserIdInTheDatabaseFileNorItsWal()
    {
        string user = Unique("raw-id-probe");
        await host.Gateway.PostJsonAsync("/v1/events", Events(Event(Unique("e"), user, "movie-001"), Event(Unique("e"), user, "movie-002")));
        var (recommended, _) = await host.Gateway.PostJsonAsync("/v1/recommend", $$"""{"userId":"{{user}}","count":5}""");
        var (analysed, _) = await host.Gateway.GetJsonAsync($"/v1/users/{user}/analysis");

        Assert.Equal(HttpStatusCode.OK, recommended.StatusCode);
        Assert.Equal(HttpStatusCode.OK, analysed.StatusCode);
        var needle = Encoding.UTF8.GetBytes(user);
        foreach (var path in new[] { "maas.db", "maas.db-wal" }.Select(f => Path.Combine(host.Gateway.DataDirectory, f)).Where(File.Exists))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, TestContext.Current.CancellationToken);
            Assert.True(copy.ToArray().AsSpan().IndexOf(needle) < 0, $"the raw user id is readable in {path}");
        }
    }

    [Fact]
    public async Task Retention_TenantMaximumAge_ExpiredEventsPurgedInTheBackgroundOthersKept()
    {
        await using var gateway = GatewayHost.Start(_ => { }, new Dictionary<string, string?>
        {
            ["Retention:Tenants:default"] = "30.00:00:00",
            ["Retention:Interval"] = "00:00:00.200",
        });
        string user = Unique("retained");
        var now = DateTimeOffset.UtcNow;
        string kept = Unique("kept");
        // The attribution report's hourly totals follow the events: the 31-day-old hour goes, the 29-day-old one stays.
        var counts = gateway.Services.GetRequiredService<IStorage>().RecommendationCounts;
        Assert.True((await counts.AddAsync(
        [
            new RecommendationCount("default", now.AddDays(-31), RecommendationCountKinds.Answers, "", 3),
            new RecommendationCount("default", now.AddDays(-29), RecommendationCountKinds.Answers, "", 4),
        ], TestContext.Current.CancellationToken)).IsSuccess);
        await gateway.PostJsonAsync("/v1/events", Events(
            Event(Unique("old"), user, "movie-001", at: now.AddDays(-45)),
            Event(Unique("old"), user, "movie-002", at: now.AddDays(-31)),
            Event(kept, user, "movie-003", at: now.AddDays(-29))));

        JsonNode? body = null;
        for (var i = 0; i < 100; i++)
        {
            (_, body) = await gateway.GetJsonAsync($"/v1/users/{user}/export");
            if (body?["events"]?.AsArray().Count == 1)
            {
                break;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Equal([kept], body!["events"]!.AsArray().Select(e => e!["eventId"]!.GetValue<string>()));
        var left = await counts.ReadAsync("default", now.AddDays(-60), now.AddDays(1), TestContext.Current.CancellationToken);
        Assert.Equal([4L], left.Value.Select(r => r.Count));
    }
}
