using MaaS.Services.Search;

namespace MaaS.Gateway.FunctionalTests.Search;

/// <summary>A gateway shut down while it embeds a large catalogue stops the embedding run with it.</summary>
public sealed class EmbeddingShutdownTests
{
    private const int Items = 2_000;

    [Fact]
    public async Task Dispose_DuringALongEmbeddingRun_ReturnsPromptlyAndTheRunStops()
    {
        var ct = TestContext.Current.CancellationToken;
        // Small batches: many model calls, so the run is long and the shutdown lands between two of them.
        var gateway = SecureGateway.Start(r => r.WithShippedModel(EmbeddingsGateway.Model), new Dictionary<string, string?> { ["Search:EmbeddingBatch"] = "4" });
        var embeddings = gateway.Host.Services.GetRequiredService<ItemEmbeddings>();
        try
        {
            string key = await gateway.CreateKeyAsync("shutdown", ["app"]);
            foreach (var chunk in Enumerable.Range(0, Items).Chunk(500))
            {
                var items = new JsonArray([.. chunk.Select(i => new JsonObject
                {
                    ["id"] = $"item-{i}",
                    ["kind"] = "movie",
                    ["title"] = $"Title {i}",
                    ["text"] = string.Join(' ', Enumerable.Range(0, 40).Select(w => $"word{(i * 31 + w) % 997}")),
                })]);
                var (put, _) = await gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", key, new JsonObject { ["items"] = items }.ToJsonString());
                Assert.True(put.IsSuccessStatusCode, $"PUT /v1/items: {(int)put.StatusCode}");
            }

            var waited = Stopwatch.StartNew();
            while (embeddings.Embedded == 0 && waited.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(50, ct);
            }

            Assert.True(embeddings.Embedded > 0, "the embedding run did not start within 2 minutes");
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }

        var stopping = Stopwatch.StartNew();
        await gateway.DisposeAsync();
        stopping.Stop();
        long atShutdown = embeddings.Embedded;
        await Task.Delay(TimeSpan.FromSeconds(3), ct);

        Assert.True(atShutdown < Items, $"the run finished before the shutdown ({atShutdown} embedded): nothing was tested");
        Assert.True(embeddings.Embedded == atShutdown, $"embedding went on after the shutdown returned: {atShutdown} then {embeddings.Embedded}");
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(20), $"the shutdown took {stopping.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task StopAsync_AfterTheContainerDisposedIt_ReturnsQuietly()
    {
        // Under WebApplicationFactory the host's StopAsync can reach the follower after the container has disposed the
        // singleton (CI saw ObjectDisposedException from teardowns); a stop after dispose has nothing left to stop.
        var gateway = SecureGateway.Start(r => r.WithShippedModel(EmbeddingsGateway.Model));
        var embeddings = gateway.Host.Services.GetRequiredService<ItemEmbeddings>();
        await gateway.DisposeAsync();

        embeddings.Dispose();
        await embeddings.StopAsync(TestContext.Current.CancellationToken);
    }
}
