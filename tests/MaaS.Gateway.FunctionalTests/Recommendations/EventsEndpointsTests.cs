namespace MaaS.Gateway.FunctionalTests.Recommendations;

public sealed class EventsEndpointsTests(RecommendationHost host) : IClassFixture<RecommendationHost>
{
    [Fact]
    public async Task PostEvents_ValidBatch_AcknowledgedAndStored()
    {
        string user = Unique("u");
        var (response, body) = await host.Gateway.PostJsonAsync("/v1/events", Events(
            Event(Unique("e"), user, "movie-001", "view"),
            Event(Unique("e"), user, "song-002", "like"),
            new JsonObject { ["eventId"] = Unique("e"), ["sessionId"] = Unique("s"), ["itemId"] = "game-003", ["type"] = "play" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, body!["received"]!.GetValue<int>());
        Assert.Equal(3, body["accepted"]!.GetValue<int>());
        Assert.Equal(0, body["duplicates"]!.GetValue<int>());
        var history = await host.Store.GetUserHistoryAsync("default", user, 10, TestContext.Current.CancellationToken);
        Assert.Equal(["song-002", "movie-001"], history.Value.Select(e => e.ItemId).OrderByDescending(i => i));
    }

    [Fact]
    public async Task PostEvents_RepeatedIds_CountedAsDuplicatesStoredOnce()
    {
        string user = Unique("u"), id = Unique("e");
        string batch = Events(Event(id, user, "movie-001"), Event(Unique("e"), user, "movie-002"));
        await host.Gateway.PostJsonAsync("/v1/events", batch);

        var (response, body) = await host.Gateway.PostJsonAsync("/v1/events", batch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, body!["accepted"]!.GetValue<int>());
        Assert.Equal(2, body["duplicates"]!.GetValue<int>());
        var history = await host.Store.GetUserHistoryAsync("default", user, 10, TestContext.Current.CancellationToken);
        Assert.Equal(2, history.Value.Count);
    }

    [Fact]
    public async Task PostEvents_BadEventsInBatch_RejectedWholeListingEveryProblem()
    {
        string user = Unique("u");
        var (response, body) = await host.Gateway.PostJsonAsync("/v1/events", Events(
            Event(Unique("e"), user, "movie-001"),
            new JsonObject { ["eventId"] = Unique("e"), ["userId"] = user, ["type"] = "play" },
            new JsonObject { ["eventId"] = Unique("e"), ["itemId"] = "movie-002", ["type"] = "Bad Type!" },
            Event(Unique("e"), user, "movie-003", at: DateTimeOffset.UtcNow.AddDays(3))));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var fields = body!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(["events[1].itemId", "events[2].type", "events[2].userId", "events[3].timestamp"], fields.Order(StringComparer.Ordinal));
        var history = await host.Store.GetUserHistoryAsync("default", user, 10, TestContext.Current.CancellationToken);
        Assert.Empty(history.Value);
    }

    [Theory]
    [InlineData("""{"events":[]}""")]
    [InlineData("""{}""")]
    [InlineData("""{"events":[{"eventId":"x","userId":"u","itemId":"i","type":"play","value":"NaN"}]}""")]
    [InlineData("""{"events": not json""")]
    public async Task PostEvents_EmptyOrMalformed_ProblemDetails400(string json)
    {
        var (response, body) = await host.Gateway.PostJsonAsync("/v1/events", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, body!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task PostEvents_UserAndSessionBoth_Rejected()
    {
        var e = Event(Unique("e"), Unique("u"), "movie-001");
        e["sessionId"] = "s";

        var (response, body) = await host.Gateway.PostJsonAsync("/v1/events", Events(e));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(body!["errors"]!.AsArray(), p => p!["field"]!.GetValue<string>() == "events[0].userId");
    }
}
