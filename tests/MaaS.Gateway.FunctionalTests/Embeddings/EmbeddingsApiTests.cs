using System.ClientModel;
using System.Numerics.Tensors;
using OpenAI;
using OpenAI.Embeddings;

namespace MaaS.Gateway.FunctionalTests.Embeddings;

/// <summary><c>POST /v1/embeddings</c> on a real gateway (real Kestrel, real model), through OpenAI's own .NET library and raw HTTP.</summary>
public sealed class EmbeddingsApiTests(EmbeddingsGateway fixture) : IClassFixture<EmbeddingsGateway>
{
    private static readonly string[] Titles =
    [
        "A lonely astronaut drifts between dying stars.",
        "Two chefs compete to cook the perfect soufflé.",
        "A detective hunts a serial killer through rainy streets.",
        "Cute puppies learn to surf.",
    ];

    [Fact]
    public async Task OpenAiClient_OneStringAndAList_InOrderWith384Dimensions()
    {
        // The official client, unchanged: its endpoint is the gateway's /v1 and its API key the app key (sent as Bearer).
        var client = Client(EmbeddingsGateway.Model);

        OpenAIEmbedding one = await client.GenerateEmbeddingAsync(Titles[0], cancellationToken: TestContext.Current.CancellationToken);
        OpenAIEmbeddingCollection many = await client.GenerateEmbeddingsAsync(Titles, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(384, one.ToFloats().Length);
        Assert.Equal(Titles.Length, many.Count);
        Assert.Equal(EmbeddingsGateway.Model, many.Model);
        Assert.True(many.Usage.InputTokenCount > Titles.Length * 2, $"usage {many.Usage.InputTokenCount}");
        for (int i = 0; i < Titles.Length; i++)
        {
            Assert.Equal(i, many[i].Index);
            float[] vector = many[i].ToFloats().ToArray();
            Assert.Equal(384, vector.Length);
            Assert.InRange(TensorPrimitives.Norm(vector), 0.999f, 1.001f);
            // In order: each list entry is its own text's embedding, and no other's.
            for (int j = 0; j < Titles.Length; j++)
            {
                var alone = (await client.GenerateEmbeddingAsync(Titles[j], cancellationToken: TestContext.Current.CancellationToken)).Value.ToFloats().Span;
                float cosine = TensorPrimitives.CosineSimilarity(vector, alone);
                Assert.True(i == j ? cosine >= 0.9999f : cosine < 0.9f, $"list[{i}] vs '{Titles[j]}' alone: cosine {cosine}");
            }
        }

        Assert.True(TensorPrimitives.CosineSimilarity(one.ToFloats().Span, many[0].ToFloats().Span) >= 0.9999f);
    }

    /// <summary>The OpenAI base URL (<c>/openai/v1</c>, where the models list is OpenAI's too) embeds as <c>/v1</c> does.</summary>
    [Fact]
    public async Task OpenAiClient_OpenAiBaseUrl_SameEmbeddingsAsV1()
    {
        var v1 = Client(EmbeddingsGateway.Model);
        var openAi = Client(EmbeddingsGateway.Model, "/openai/v1");

        OpenAIEmbeddingCollection viaV1 = await v1.GenerateEmbeddingsAsync(Titles, cancellationToken: TestContext.Current.CancellationToken);
        OpenAIEmbeddingCollection viaOpenAi = await openAi.GenerateEmbeddingsAsync(Titles, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(Titles.Length, viaOpenAi.Count);
        Assert.Equal(viaV1.Usage.InputTokenCount, viaOpenAi.Usage.InputTokenCount);
        for (int i = 0; i < Titles.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(viaV1[i].ToFloats().Span, viaOpenAi[i].ToFloats().Span) >= 0.9999f, $"text {i}");
        }
    }

    /// <summary>
    /// Every member of OpenAI's published embeddings request is accepted (dimensions when it is the model's, user
    /// ignored), through the official client with every option it has set and as raw JSON; a member OpenAI does not
    /// have is a 400 naming it, as OpenAI answers one.
    /// </summary>
    [Fact]
    public async Task OpenAiRequest_EveryPublishedMemberAccepted_AnotherNamed()
    {
        var client = Client(EmbeddingsGateway.Model);
        var options = new EmbeddingGenerationOptions { Dimensions = 384, EndUserId = "user-1" };

        OpenAIEmbeddingCollection viaClient = await client.GenerateEmbeddingsAsync(Titles, options, TestContext.Current.CancellationToken);
        await PostAsync("""{"input":["space opera"],"model":"all-minilm-l6-v2","encoding_format":"float","dimensions":384,"user":"user-1"}""", HttpStatusCode.OK);
        var (refused, _) = await PostAsync("""{"input":["space opera"],"model":"all-minilm-l6-v2","temperature":0.5}""", HttpStatusCode.BadRequest);

        Assert.Equal(Titles.Length, viaClient.Count);
        Assert.True(refused?["errors"]?[0]?["field"]?.GetValue<string>() == "temperature", $"{refused}");
    }

    /// <summary>
    /// <c>model</c> chooses the encoder: arctic-embed-xs answers under its own name with unit vectors of its own space
    /// (not MiniLM's), and its 512-token limit holds a text of 300 word pieces that MiniLM (256) cuts.
    /// </summary>
    [Fact]
    public async Task OpenAiClient_ArcticModel_ItsOwnVectorsAndTokenLimit()
    {
        var arctic = Client(EmbeddingsGateway.Arctic);
        var miniLm = Client(EmbeddingsGateway.Model);

        OpenAIEmbeddingCollection many = await arctic.GenerateEmbeddingsAsync(Titles, cancellationToken: TestContext.Current.CancellationToken);
        OpenAIEmbeddingCollection theirs = await miniLm.GenerateEmbeddingsAsync(Titles, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(EmbeddingsGateway.Arctic, many.Model);
        Assert.Equal(Titles.Length, many.Count);
        for (int i = 0; i < Titles.Length; i++)
        {
            Assert.Equal(i, many[i].Index);
            Assert.Equal(384, many[i].ToFloats().Length);
            Assert.InRange(TensorPrimitives.Norm(many[i].ToFloats().Span), 0.999f, 1.001f);
            float cosine = TensorPrimitives.CosineSimilarity(many[i].ToFloats().Span, theirs[i].ToFloats().Span);
            Assert.True(cosine < 0.99f, $"'{Titles[i]}': arctic and MiniLM agree to {cosine}");
        }

        // "the" is one word piece: 300 of them are cut by MiniLM's limit, not by arctic's.
        string text = string.Join(' ', Enumerable.Repeat("the", 300));
        var (cutByMiniLm, _) = await PostAsync($$"""{ "model": "{{EmbeddingsGateway.Model}}", "input": ["{{text}}"] }""", HttpStatusCode.OK);
        var (keptByArctic, _) = await PostAsync($$"""{ "model": "{{EmbeddingsGateway.Arctic}}", "input": ["{{text}}"] }""", HttpStatusCode.OK);
        Assert.Equal([0], cutByMiniLm!["usage"]!["truncated_inputs"]!.AsArray().Select(v => v!.GetValue<int>()));
        Assert.Null(keptByArctic!["usage"]!["truncated_inputs"]);
        Assert.Equal(302, keptByArctic["usage"]!["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(EmbeddingsGateway.Arctic, keptByArctic["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_Base64_SameVectorsAsFloats()
    {
        var (floats, _) = await PostAsync("""{ "model": "all-minilm-l6-v2", "input": ["space opera", "cooking show"] }""", HttpStatusCode.OK);
        var (base64, _) = await PostAsync("""{ "model": "all-minilm-l6-v2", "input": ["space opera", "cooking show"], "encoding_format": "base64" }""", HttpStatusCode.OK);

        Assert.Equal("list", floats!["object"]!.GetValue<string>());
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal("embedding", floats["data"]![i]!["object"]!.GetValue<string>());
            float[] expected = [.. floats["data"]![i]!["embedding"]!.AsArray().Select(v => v!.GetValue<float>())];
            byte[] bytes = Convert.FromBase64String(base64!["data"]![i]!["embedding"]!.GetValue<string>());
            float[] actual = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, actual, 0, bytes.Length);
            Assert.Equal(expected, actual);
        }

        Assert.Equal(floats["usage"]!["prompt_tokens"]!.GetValue<long>(), floats["usage"]!["total_tokens"]!.GetValue<long>());
        Assert.Null(floats["usage"]!["truncated_inputs"]);
    }

    [Fact]
    public async Task Post_HundredKilobyteInput_CutAndUsageSaysSo()
    {
        string huge = string.Concat(Enumerable.Repeat("Space opera with dragons. ", 4_000));
        var body = new JsonObject { ["input"] = new JsonArray("short text", huge) };

        var (answer, _) = await PostAsync(body.ToJsonString(), HttpStatusCode.OK);

        Assert.Equal([1], answer!["usage"]!["truncated_inputs"]!.AsArray().Select(v => v!.GetValue<int>()));
        // "short text": [CLS] short text [SEP]; the 100 KB text: the model's 256 word pieces.
        Assert.Equal(4 + 256, answer["usage"]!["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(2, answer["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task Post_2048Inputs_Served_2049Refused()
    {
        var inputs = new JsonArray([.. Enumerable.Range(0, 2_049).Select(i => (JsonNode)JsonValue.Create($"t{i % 10}"))]);
        var (refused, response) = await PostAsync(new JsonObject { ["input"] = inputs.DeepClone() }.ToJsonString(), HttpStatusCode.BadRequest);
        Assert.Contains("2049 inputs", refused!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);

        inputs.RemoveAt(0);
        var (served, _) = await PostAsync(new JsonObject { ["input"] = inputs }.ToJsonString(), HttpStatusCode.OK);
        Assert.Equal(2_048, served!["data"]!.AsArray().Count);
        Assert.Equal(2_047, served["data"]![2_047]!["index"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{ "input": "" }""", "input[0] is empty")]
    [InlineData("""{ "input": ["fine", "   "] }""", "input[1] is empty")]
    [InlineData("""{ "input": [] }""", "at least one")]
    [InlineData("""{ "model": "all-minilm-l6-v2" }""", "'input' is required")]
    [InlineData("""{ "input": null }""", "'input' is null")]
    [InlineData("""{ "input": 42 }""", "'input' is a number")]
    [InlineData("""{ "input": { "text": "a" } }""", "'input' is an object")]
    [InlineData("""{ "input": ["a", null] }""", "input[1] is null")]
    [InlineData("""{ "input": ["a", 7] }""", "token array")]
    [InlineData("""{ "input": [[101, 102]] }""", "token array")]
    [InlineData("""{ "input": ["a", true] }""", "input[1] is a boolean")]
    [InlineData("""{ "input": "a", "encoding_format": "hex" }""", "encoding_format")]
    [InlineData("""{ "input": "a", "encoding_format": 3 }""", "failed to parse")]
    [InlineData("""{ "input": "a", "dimensions": 128 }""", "cannot shorten")]
    [InlineData("""{ "input": "a", "dimensions": "many" }""", "failed to parse")]
    [InlineData("""{ "input": "a", "model": 5 }""", "failed to parse")]
    [InlineData("""{ "input": "a", "model": "sentiment" }""", "not a sentence-embedding model")]
    [InlineData("""[ "a" ]""", "failed to parse")]
    [InlineData("""not json""", "failed to parse")]
    public async Task Post_BadInput_400WithTheReason(string json, string reason)
    {
        var (problem, _) = await PostAsync(json, HttpStatusCode.BadRequest);

        Assert.Contains(reason, problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Under OpenAI's base URL a refusal is OpenAI's error object: the same status and words as /v1's ProblemDetails,
    /// <c>param</c> the member at fault (/v1's first field problem), OpenAI's <c>type</c> and the code in snake_case.
    /// </summary>
    [Theory]
    [InlineData("""{ "input": "a", "encoding_format": "hex" }""", 400, "encoding_format", "invalid_request")]
    [InlineData("""{ "input": ["fine", "   "] }""", 400, "input[1]", "invalid_request")]
    [InlineData("""{ "input": ["a", 7] }""", 400, "input[1]", "invalid_request")]
    [InlineData("""{ "input": [] }""", 400, "input", "invalid_request")]
    [InlineData("""{ "model": "all-minilm-l6-v2" }""", 400, "input", "invalid_request")]
    [InlineData("""{ "input": "a", "dimensions": 128 }""", 400, "dimensions", "invalid_request")]
    [InlineData("""{ "input": "a", "modle": "all-minilm-l6-v2" }""", 400, "modle", "invalid_request")]
    [InlineData("""{ "input": "a", "model": "sentiment" }""", 400, "model", "unsupported")]
    [InlineData("""{ "input": "a", "model": "text-embedding-3-small" }""", 404, null, "model_not_found")]
    [InlineData("""not json""", 400, null, "invalid_request")]
    public async Task OpenAiBaseUrl_Refusal_OpenAiErrorWithTheParam(string json, int status, string? param, string code)
    {
        var (problem, v1) = await SendAsync("/v1/embeddings", json);
        var (body, response) = await SendAsync("/openai/v1/embeddings", json);

        Assert.Equal((HttpStatusCode)status, v1.StatusCode);
        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var error = body!["error"]!;
        Assert.Equal(problem!["detail"]!.GetValue<string>(), error["message"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal(param, error["param"]?.GetValue<string>());
        Assert.Equal(param, problem["errors"]?[0]?["field"]?.GetValue<string>());
        Assert.Equal(code, error["code"]!.GetValue<string>());
    }

    /// <summary>OpenAI's own library reads the gateway's refusals into its exception as it reads OpenAI's.</summary>
    [Fact]
    public async Task OpenAiClient_Refusals_ReadAsOpenAiErrors()
    {
        var token = TestContext.Current.CancellationToken;
        var shortened = await Assert.ThrowsAsync<ClientResultException>(() =>
            Client(EmbeddingsGateway.Model, "/openai/v1").GenerateEmbeddingAsync("a", new EmbeddingGenerationOptions { Dimensions = 128 }, token));
        var unknown = await Assert.ThrowsAsync<ClientResultException>(() => Client("text-embedding-3-small", "/openai/v1").GenerateEmbeddingAsync("a", cancellationToken: token));
        var stranger = new EmbeddingClient(EmbeddingsGateway.Model, new ApiKeyCredential("maas_not-a-key"),
            new OpenAIClientOptions { Endpoint = new Uri(fixture.Gateway.Host.Address, "/openai/v1") });
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => stranger.GenerateEmbeddingAsync("a", cancellationToken: token));

        Assert.Equal((400, 404, 401), (shortened.Status, unknown.Status, refused.Status));
        Assert.StartsWith("HTTP 400 (invalid_request_error: invalid_request)", shortened.Message, StringComparison.Ordinal);
        Assert.Contains("Parameter: dimensions", shortened.Message, StringComparison.Ordinal);
        Assert.Contains("cannot shorten", shortened.Message, StringComparison.Ordinal);
        Assert.StartsWith("HTTP 404 (invalid_request_error: model_not_found)", unknown.Message, StringComparison.Ordinal);
        Assert.StartsWith("HTTP 401 (invalid_request_error: invalid_api_key)", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>What the framework answers under OpenAI's base URL (an endpoint the gateway does not have, a wrong method) is OpenAI's object too.</summary>
    [Theory]
    [InlineData("POST", "/openai/v1/chat/completions", 404, "not_found")]
    [InlineData("DELETE", "/openai/v1/models", 405, "method_not_allowed")]
    public async Task OpenAiBaseUrl_FrameworkAnswers_OpenAiErrors(string method, string path, int status, string code)
    {
        var (response, body) = await fixture.Gateway.SendJsonAsync(new HttpMethod(method), path, fixture.AppKey, method == "POST" ? "{}" : null);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal(code, body!["error"]!["code"]!.GetValue<string>());
        Assert.Contains(path, body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnknownModel_404()
    {
        var (problem, _) = await PostAsync("""{ "input": "a", "model": "text-embedding-3-small" }""", HttpStatusCode.NotFound);

        Assert.Equal("ModelNotFound", problem!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_DimensionsOfTheModel_Accepted()
    {
        var (answer, _) = await PostAsync("""{ "input": "a", "dimensions": 384, "user": "someone" }""", HttpStatusCode.OK);

        Assert.Equal(384, answer!["data"]![0]!["embedding"]!.AsArray().Count);
    }

    [Fact]
    public async Task Post_NoKey_401()
    {
        var (response, _) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/embeddings", null, """{ "input": "a" }""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task V2Infer_TextAsBytesAndAsTokenIds_SameEmbedding()
    {
        var (byText, textResponse) = await SendAsync("/v2/models/all-minilm-l6-v2/infer",
            """{ "inputs": [{ "name": "text", "shape": [1], "datatype": "BYTES", "data": ["space opera"] }], "outputs": [{ "name": "embedding" }, { "name": "tokens" }] }""");
        Assert.Equal(HttpStatusCode.OK, textResponse.StatusCode);
        // [CLS] space opera [SEP]
        Assert.Equal(4, byText!["outputs"]![1]!["data"]![0]!.GetValue<long>());

        var vocabulary = File.ReadLines(Path.Combine(MaaS.TestSupport.SharedData.RepositoryRoot, "models", EmbeddingsGateway.Model, "1", "vocab.txt")).ToList();
        int space = vocabulary.IndexOf("space"), opera = vocabulary.IndexOf("opera");
        var (byIds, idsResponse) = await SendAsync("/v2/models/all-minilm-l6-v2/infer",
            $$"""{ "inputs": [{ "name": "input_ids", "shape": [1, 6], "datatype": "INT64", "data": [101, {{space}}, {{opera}}, 102, 0, 0] }, { "name": "attention_mask", "shape": [1, 6], "datatype": "INT64", "data": [1, 1, 1, 1, 0, 0] }], "outputs": [{ "name": "embedding" }] }""");
        Assert.Equal(HttpStatusCode.OK, idsResponse.StatusCode);

        float[] a = [.. byText["outputs"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<float>())];
        float[] b = [.. byIds!["outputs"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<float>())];
        Assert.Equal([1L, 384L], byIds["outputs"]![0]!["shape"]!.AsArray().Select(v => v!.GetValue<long>()));
        Assert.True(TensorPrimitives.CosineSimilarity(a, b) >= 0.9999f);
    }

    [Fact]
    public async Task V2Infer_TextAndIdsTogether_400Error()
    {
        var (body, response) = await SendAsync("/v2/models/all-minilm-l6-v2/infer",
            """{ "inputs": [{ "name": "text", "shape": [1], "datatype": "BYTES", "data": ["a"] }, { "name": "input_ids", "shape": [1, 2], "datatype": "INT64", "data": [101, 102] }] }""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("either", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<(JsonNode? Body, HttpResponseMessage Response)> PostAsync(string json, HttpStatusCode expected)
    {
        var (body, response) = await SendAsync("/v1/embeddings", json);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} for {json[..Math.Min(json.Length, 200)]}: {body?.ToJsonString()[..Math.Min(body.ToJsonString().Length, 400)]}");
        return (body, response);
    }

    private async Task<(JsonNode? Body, HttpResponseMessage Response)> SendAsync(string path, string json)
    {
        var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, path, fixture.AppKey, json);
        return (body, response);
    }

    /// <summary>OpenAI's embeddings client, unchanged: its endpoint a base URL of the gateway, its API key the app key (sent as Bearer).</summary>
    private EmbeddingClient Client(string model, string baseUrl = "/v1") =>
        new(model, new ApiKeyCredential(fixture.AppKey), new OpenAIClientOptions { Endpoint = new Uri(fixture.Gateway.Host.Address, baseUrl) });
}
