using System.Numerics.Tensors;

namespace MaaS.Gateway.FunctionalTests.Embeddings;

/// <summary>
/// Load policies on a real gateway: the shipped arctic-embed-xs is lazy (its model.json), so the gateway is ready
/// without it and the repository index lists it UNAVAILABLE until the first <c>/v1/embeddings</c> request loads it;
/// concurrent first requests are all answered; a lazy model that cannot load answers its own 503 while the others serve.
/// </summary>
public sealed class LazyModelTests
{
    [Fact]
    public async Task Gateway_LazyArcticAndBrokenLazyModel_ReadyWithoutThemFirstRequestsLoad()
    {
        await using var host = GatewayHost.Start(
            r =>
            {
                r.WithShippedModel(EmbeddingsGateway.Arctic).WithShippedModel("sentiment").WithGarbage("broken");
                File.WriteAllText(Path.Combine(r.Root, "broken", "model.json"), """{ "loadPolicy": "lazy" }""");
            },
            new Dictionary<string, string?> { ["Serving:StrictReadiness"] = "true" });

        // Strict readiness waits for every model but the lazy ones that have not been asked for yet.
        var (ready, readyBody) = await host.GetJsonAsync("/v2/health/ready");
        Assert.True(ready.StatusCode == HttpStatusCode.OK, readyBody?.ToJsonString());
        var before = await IndexAsync(host);
        Assert.Equal("UNAVAILABLE", before[EmbeddingsGateway.Arctic]["state"]!.GetValue<string>());
        Assert.Contains("lazy", before[EmbeddingsGateway.Arctic]["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("UNAVAILABLE", before["broken"]["state"]!.GetValue<string>());
        Assert.Equal("READY", before["sentiment"]["state"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.GetJsonAsync($"/v2/models/{EmbeddingsGateway.Arctic}/ready")).Response.StatusCode);

        // Eight first requests at once: one load serves them all, each answered with the same unit vector.
        string body = new JsonObject { ["model"] = EmbeddingsGateway.Arctic, ["input"] = "A lonely astronaut drifts between dying stars." }.ToJsonString();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.PostJsonAsync("/v1/embeddings", body)));
        var vectors = answers.Select(a =>
        {
            Assert.True(a.Response.StatusCode == HttpStatusCode.OK, a.Body?.ToJsonString());
            return a.Body!["data"]![0]!["embedding"]!.AsArray().Select(x => x!.GetValue<float>()).ToArray();
        }).ToList();
        Assert.All(vectors, v => Assert.Equal(384, v.Length));
        Assert.InRange(TensorPrimitives.Norm(vectors[0]), 0.999f, 1.001f);
        Assert.All(vectors, v => Assert.Equal(vectors[0], v));
        Assert.Equal("READY", (await IndexAsync(host))[EmbeddingsGateway.Arctic]["state"]!.GetValue<string>());

        // The broken lazy model fails its own first request with its reason; sentiment keeps answering.
        var (broken, brokenBody) = await host.PostJsonAsync("/v2/models/broken/infer",
            """{"inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","data":[0,0,0,0,0,0,0,0]}]}""");
        var (sentiment, sentimentBody) = await host.PostJsonAsync("/v1/sentiment", """{"texts":["A wonderful, moving film."]}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, broken.StatusCode);
        Assert.Contains("not ready", brokenBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(sentiment.StatusCode == HttpStatusCode.OK, sentimentBody?.ToJsonString());
        Assert.Equal("positive", sentimentBody!["results"]![0]!["label"]!.GetValue<string>());
        // Having failed to load, it is a broken model like any other: strict readiness now counts it.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.GetJsonAsync("/v2/health/ready")).Response.StatusCode);
    }

    /// <summary>
    /// A Triton client reads a model's metadata (and config) before its first inference: for a lazy model that read is
    /// its first request, so it loads the model and answers 200 with the loaded session's tensors, not 503.
    /// </summary>
    [Fact]
    public async Task Gateway_LazyModel_MetadataIsAFirstRequestThatLoadsIt()
    {
        await using var host = GatewayHost.Start(
            r =>
            {
                r.WithShippedModel(EmbeddingsGateway.Arctic).WithGarbage("broken");
                File.WriteAllText(Path.Combine(r.Root, "broken", "model.json"), """{ "loadPolicy": "lazy" }""");
            });
        Assert.Equal("UNAVAILABLE", (await IndexAsync(host))[EmbeddingsGateway.Arctic]["state"]!.GetValue<string>());

        var (metadata, metadataBody) = await host.GetJsonAsync($"/v2/models/{EmbeddingsGateway.Arctic}");
        Assert.True(metadata.StatusCode == HttpStatusCode.OK, metadataBody?.ToJsonString());
        Assert.Equal(["1"], metadataBody!["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains(metadataBody["inputs"]!.AsArray(), i => i!["name"]!.GetValue<string>() == "text");
        Assert.Equal("READY", (await IndexAsync(host))[EmbeddingsGateway.Arctic]["state"]!.GetValue<string>());
        var (config, configBody) = await host.GetJsonAsync($"/v2/models/{EmbeddingsGateway.Arctic}/config");
        Assert.True(config.StatusCode == HttpStatusCode.OK, configBody?.ToJsonString());

        // A lazy model that cannot load still answers its own 503 with the reason.
        var (broken, brokenBody) = await host.GetJsonAsync("/v2/models/broken");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, broken.StatusCode);
        Assert.Contains("no ready version", brokenBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, JsonNode>> IndexAsync(GatewayHost host)
    {
        var (response, body) = await host.PostJsonAsync("/v2/repository/index", "{}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
        return body!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!);
    }
}
