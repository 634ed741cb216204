namespace MaaS.Gateway.FunctionalTests.Recommendations;

public sealed class IndexRebuildTests
{
    [Fact]
    public async Task Schedule_EventsForNewItem_RebuiltInBackgroundAndSwappedIn()
    {
        await using var host = GatewayHost.Start(_ => { }, new Dictionary<string, string?>
        {
            ["Storage:SeedDemoDataWhenEmpty"] = "true",
            ["Recommendations:RebuildIntervalSeconds"] = "0.5",
        });
        string item = Unique("movie");
        var users = Enumerable.Range(0, 4).Select(_ => Unique("u")).ToArray();
        await host.PostJsonAsync("/v1/events", Events([.. users.SelectMany(u => new[] { Event(Unique("e"), u, item), Event(Unique("e"), u, "movie-050") })]));

        var (response, body) = await PollAsync(host, $"/v1/items/{item}/similar?count=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body!["modelVersion"]!.GetValue<long>() >= 2);
        Assert.Equal("movie-050", body["items"]![0]!["itemId"]!.GetValue<string>());
        var versions = Directory.GetDirectories(Path.Combine(host.DataDirectory, "models", "itemcf-default")).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).ToArray();
        Assert.InRange(versions.Length, 1, 2);
    }

    [Fact]
    public async Task DeleteUser_WithEvents_IndexRebuiltWithoutThem()
    {
        await using var host = GatewayHost.Start(_ => { }, new Dictionary<string, string?>
        {
            ["Storage:SeedDemoDataWhenEmpty"] = "true",
            ["Recommendations:ErasureRebuildDelaySeconds"] = "0",
        });
        // Only this user links the two new items; once erased, the rebuilt index must not know them at all.
        string user = Unique("u"), a = Unique("song"), b = Unique("song");
        await host.PostJsonAsync("/v1/events", Events(Event(Unique("e"), user, a), Event(Unique("e"), user, b)));
        var rebuilt = await RebuildAsync(host);
        Assert.Equal("succeeded", rebuilt["status"]!.GetValue<string>());
        var (before, _) = await host.GetJsonAsync($"/v1/items/{a}/similar");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        var (deleted, _) = await host.SendJsonAsync(HttpMethod.Delete, $"/v1/users/{user}", null);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var (after, _) = await PollAsync(host, $"/v1/items/{a}/similar", HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    private static async Task<(HttpResponseMessage Response, System.Text.Json.Nodes.JsonNode? Body)> PollAsync(
        GatewayHost host, string path, HttpStatusCode until = HttpStatusCode.OK)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await host.GetJsonAsync(path);
            if (result.Response.StatusCode == until || clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                return result;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
