#pragma warning disable OPENAI001 // OpenAI's batch client is marked experimental.
using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI.Files;

namespace MaaS.Gateway.FunctionalTests.Batches;

/// <summary>
/// OpenAI's Files and Batch APIs on a real gateway, driven by OpenAI's own .NET library (file upload and download, batch
/// create, poll and cancel), the answers compared with the online endpoints'.
/// </summary>
public sealed class BatchApiTests(BatchGateway fixture) : IClassFixture<BatchGateway>
{
    private static RequestOptions Options => new() { CancellationToken = Ct };

    [Fact]
    public async Task EmbeddingsBatch_NetflixDescriptions_EachCustomIdEqualsOnlineEmbeddingsWithin1e6()
    {
        var titles = BatchData.Netflix(72);
        var bodies = new Dictionary<string, JsonNode>();
        var input = new StringBuilder();
        for (int i = 0; i < titles.Count; i++)
        {
            // Mostly one text a line, as a nightly catalogue job sends them; every ninth line two texts, one line base64.
            JsonNode text = i % 9 == 0 && i + 1 < titles.Count ? new JsonArray(titles[i].Text, titles[i + 1].Text) : titles[i].Text;
            var body = new JsonObject { ["model"] = BatchGateway.Model, ["input"] = text };
            if (i == 5)
            {
                body["encoding_format"] = "base64";
            }

            bodies[titles[i].Id] = body;
            input.Append(BatchData.Line(titles[i].Id, "/v1/embeddings", body.DeepClone()));
        }

        var (batch, output, errors) = await RunAsync(input.ToString(), "/v1/embeddings");

        Assert.Equal("completed", batch["status"]!.GetValue<string>());
        Assert.Equal((titles.Count, titles.Count, 0), Counts(batch));
        Assert.Null(errors);
        var lines = BatchData.Lines(output!);
        Assert.Equal(bodies.Keys.Order(StringComparer.Ordinal), lines.Select(l => l["custom_id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        foreach (var line in lines)
        {
            string id = line["custom_id"]!.GetValue<string>();
            Assert.Equal(200, line["response"]!["status_code"]!.GetValue<int>());
            var online = await PostAsync("/openai/v1/embeddings", bodies[id].ToJsonString());
            var answered = line["response"]!["body"]!;
            Assert.Equal(online["usage"]!.ToJsonString(), answered["usage"]!.ToJsonString());
            Assert.Equal(online["data"]!.AsArray().Count, answered["data"]!.AsArray().Count);
            for (int d = 0; d < online["data"]!.AsArray().Count; d++)
            {
                float[] expected = Vector(online["data"]![d]!["embedding"]!), actual = Vector(answered["data"]![d]!["embedding"]!);
                Assert.Equal(expected.Length, actual.Length);
                float worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
                Assert.True(worst <= 1e-6f, $"{id} input {d}: largest difference {worst}");
            }
        }
    }

    [Fact]
    public async Task SentimentBatch_MrSentences_EachBodyEqualsOnlineSentiment()
    {
        var reviews = BatchData.Reviews(40);
        var input = new StringBuilder();
        var bodies = new Dictionary<string, string>();
        for (int i = 0; i < reviews.Count; i += 2)
        {
            var body = new JsonObject { ["texts"] = i % 4 == 0 ? new JsonArray(reviews[i], reviews[i + 1]) : new JsonArray(reviews[i]) };
            bodies[$"mr-{i}"] = body.ToJsonString();
            input.Append(BatchData.Line($"mr-{i}", "/v1/sentiment", body));
        }

        var (batch, output, _) = await RunAsync(input.ToString(), "/v1/sentiment");

        Assert.Equal((bodies.Count, bodies.Count, 0), Counts(batch));
        foreach (var line in BatchData.Lines(output!))
        {
            var online = await PostAsync("/v1/sentiment", bodies[line["custom_id"]!.GetValue<string>()]);
            Assert.Equal(online.ToJsonString(), line["response"]!["body"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task ClassifyBatch_MrSentences_EachBodyEqualsOnlineClassify()
    {
        var reviews = BatchData.Reviews(10);
        var input = new StringBuilder();
        var bodies = new Dictionary<string, string>();
        for (int i = 0; i < reviews.Count; i++)
        {
            var body = new JsonObject { ["model"] = "sentiment", ["texts"] = new JsonArray(reviews[i]) };
            bodies[$"c-{i}"] = body.ToJsonString();
            input.Append(BatchData.Line($"c-{i}", "/v1/classify", body));
        }

        var (batch, output, _) = await RunAsync(input.ToString(), "/v1/classify");

        Assert.Equal((bodies.Count, bodies.Count, 0), Counts(batch));
        foreach (var line in BatchData.Lines(output!))
        {
            var online = await PostAsync("/v1/classify", bodies[line["custom_id"]!.GetValue<string>()]);
            Assert.Equal(online.ToJsonString(), line["response"]!["body"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task EmbeddingsBatch_BadBodies_AnsweredInTheErrorFileAsTheOnlineEndpointRefusesThem()
    {
        string input =
            BatchData.Line("good-1", "/v1/embeddings", new JsonObject { ["input"] = "a space opera" }) +
            BatchData.Line("empty", "/v1/embeddings", new JsonObject { ["input"] = "" }) +
            BatchData.Line("tokens", "/v1/embeddings", new JsonObject { ["input"] = new JsonArray(new JsonArray(1, 2)) }) +
            BatchData.Line("unknown-model", "/v1/embeddings", new JsonObject { ["input"] = "x", ["model"] = "text-embedding-3-small" }) +
            BatchData.Line("extra-member", "/v1/embeddings", new JsonObject { ["input"] = "x", ["temperature"] = 1 }) +
            BatchData.Line("good-2", "/v1/embeddings", new JsonObject { ["input"] = "a cooking show" });

        var (batch, output, errors) = await RunAsync(input, "/v1/embeddings");

        Assert.Equal("completed", batch["status"]!.GetValue<string>());
        Assert.Equal((6, 2, 4), Counts(batch));
        Assert.Equal(["good-1", "good-2"], BatchData.Lines(output!).Select(l => l["custom_id"]!.GetValue<string>()));
        var failed = BatchData.Lines(errors!).ToDictionary(l => l["custom_id"]!.GetValue<string>(), l => l["response"]!);
        Assert.Equal((400, 400, 404, 400), (Status(failed["empty"]), Status(failed["tokens"]), Status(failed["unknown-model"]), Status(failed["extra-member"])));
        Assert.Equal("model_not_found", failed["unknown-model"]["body"]!["error"]!["code"]!.GetValue<string>());
        // The same words as the online endpoint's refusal of the same body.
        var online = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/openai/v1/embeddings", fixture.AppKey, """{"input":""}""");
        Assert.Equal(online.Body!["error"]!["message"]!.GetValue<string>(), failed["empty"]["body"]!["error"]!["message"]!.GetValue<string>());
        Assert.Contains("temperature", failed["extra-member"]["body"]!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SentimentBatch_BadBodies_ErrorLinesAreTheOnlineEndpointsProblemDetails()
    {
        var bodies = new Dictionary<string, string>
        {
            ["no-texts"] = """{"texts":[]}""",
            ["unknown-model"] = """{"texts":["a fine film"],"model":"no-such-model"}""",
            ["extra-member"] = """{"texts":["a fine film"],"temperature":1}""",
            ["null-text"] = """{"texts":[null]}""",
        };
        string input = BatchData.Line("good", "/v1/sentiment", new JsonObject { ["texts"] = new JsonArray("a fine film") }) +
            string.Concat(bodies.Select(b => BatchData.Line(b.Key, "/v1/sentiment", JsonNode.Parse(b.Value)!)));

        var (batch, _, errors) = await RunAsync(input, "/v1/sentiment");

        Assert.Equal((5, 1, 4), Counts(batch));
        var failed = BatchData.Lines(errors!).ToDictionary(l => l["custom_id"]!.GetValue<string>(), l => l["response"]!);
        Assert.Equal(bodies.Keys.Order(StringComparer.Ordinal), failed.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, body) in bodies)
        {
            // The same status and ProblemDetails as the online endpoint's refusal of the same body, less what names the
            // online request itself (its trace).
            var (response, online) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/sentiment", fixture.AppKey, body);
            Assert.True((int)response.StatusCode >= 400, $"{id}: the online endpoint took {body}");
            Assert.Equal((int)response.StatusCode, Status(failed[id]));
            if (id == "extra-member")
            {
                // The same problem (status, code, title, field); the detail is worded by the line's reader, not the
                // online endpoint's binder.
                var line = failed[id]["body"]!;
                Assert.Equal((online!["status"]!.GetValue<int>(), online["code"]!.GetValue<string>(), online["title"]!.GetValue<string>()),
                    (line["status"]!.GetValue<int>(), line["code"]!.GetValue<string>(), line["title"]!.GetValue<string>()));
                Assert.Contains("temperature", line["detail"]!.GetValue<string>(), StringComparison.Ordinal);
                continue;
            }

            Assert.Equal(WithoutTrace(online!), WithoutTrace(failed[id]["body"]!));
        }
    }

    private static string WithoutTrace(JsonNode problem)
    {
        var copy = problem.DeepClone().AsObject();
        copy.Remove("traceId");
        copy.Remove("instance");
        return copy.ToJsonString();
    }

    [Fact]
    public async Task Batch_MalformedFile_FailsWithEveryProblemByLine()
    {
        string input =
            BatchData.Line("a", "/v1/embeddings", new JsonObject { ["input"] = "x" }) +
            "this is not json\n" +
            BatchData.Line("a", "/v1/embeddings", new JsonObject { ["input"] = "y" }) +
            BatchData.Line("b", "/v1/chat/completions", new JsonObject { ["input"] = "z" });

        var (batch, output, errors) = await RunAsync(input, "/v1/embeddings");

        Assert.Equal("failed", batch["status"]!.GetValue<string>());
        Assert.Null(output);
        Assert.Null(errors);
        var problems = batch["errors"]!["data"]!.AsArray().Select(e => (e!["code"]!.GetValue<string>(), e["line"]!.GetValue<int>())).ToList();
        Assert.Equal([("invalid_json_line", 2), ("duplicate_custom_id", 3), ("mismatched_endpoint", 4)], problems);
        Assert.True(batch["failed_at"]!.GetValue<long>() >= batch["created_at"]!.GetValue<long>(), batch.ToJsonString());
    }

    [Fact]
    public async Task FilesAndBatches_AnotherTenant_SeesNothingAnd404s()
    {
        var file = (await fixture.Files().UploadFileAsync(BinaryData.FromString(BatchData.Line("a", "/v1/embeddings", new JsonObject { ["input"] = "x" })), "mine.jsonl", FileUploadPurpose.Batch)).Value;
        var batch = await CreateAsync(file.Id, "/v1/embeddings", fixture.AppKey);
        string batchId = batch["id"]!.GetValue<string>();

        var reads = new[]
        {
            (HttpMethod.Get, $"/openai/v1/files/{file.Id}", (string?)null), (HttpMethod.Get, $"/openai/v1/files/{file.Id}/content", null),
            (HttpMethod.Delete, $"/openai/v1/files/{file.Id}", null), (HttpMethod.Get, $"/openai/v1/batches/{batchId}", null),
            (HttpMethod.Post, $"/openai/v1/batches/{batchId}/cancel", null),
            (HttpMethod.Post, "/openai/v1/batches", $$"""{"input_file_id":"{{file.Id}}","endpoint":"/v1/embeddings","completion_window":"24h"}"""),
        };
        foreach (var (method, path, json) in reads)
        {
            var (response, body) = await fixture.Gateway.SendJsonAsync(method, path, fixture.OtherKey, json);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode} {body}");
            Assert.True(body?["error"]?["type"]?.GetValue<string>() == "invalid_request_error", $"{method} {path}: {body}");
        }

        var theirs = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/openai/v1/files", fixture.OtherKey);
        Assert.DoesNotContain(theirs.Body!["data"]!.AsArray(), f => f!["id"]!.GetValue<string>() == file.Id);
        var list = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/openai/v1/batches", fixture.OtherKey);
        Assert.DoesNotContain(list.Body!["data"]!.AsArray(), b => b!["id"]!.GetValue<string>() == batchId);
        Assert.Equal(file.Id, (await fixture.Files().GetFileAsync(file.Id, Ct)).Value.Id);
    }

    [Fact]
    public async Task Requests_OutsideTheApi_RefusedWithOpenAiErrorObjects()
    {
        string fileId = (await fixture.Files().UploadFileAsync(BinaryData.FromString("{}\n"), "x.jsonl", FileUploadPurpose.Batch)).Value.Id;
        var fineTune = await Assert.ThrowsAsync<ClientResultException>(() => fixture.Files().UploadFileAsync(BinaryData.FromString("{}"), "x.jsonl", FileUploadPurpose.FineTune));
        Assert.Equal(400, fineTune.Status);
        Assert.Contains("purpose", fineTune.Message, StringComparison.Ordinal);

        var refusals = new (string Path, string? Json, HttpStatusCode Status, string? Param)[]
        {
            ("/openai/v1/batches", $$"""{"input_file_id":"{{fileId}}","endpoint":"/v1/chat/completions","completion_window":"24h"}""", HttpStatusCode.BadRequest, "endpoint"),
            ("/openai/v1/batches", $$"""{"input_file_id":"{{fileId}}","endpoint":"/v1/embeddings","completion_window":"1h"}""", HttpStatusCode.BadRequest, "completion_window"),
            ("/openai/v1/batches", $$"""{"input_file_id":"{{fileId}}","endpoint":"/v1/embeddings","completion_window":"24h","metadata":""" + "{" + Metadata(17) + "}}", HttpStatusCode.BadRequest, "metadata"),
            ("/openai/v1/batches", $$"""{"input_file_id":"{{fileId}}","endpoint":"/v1/embeddings","completion_window":"24h","model":"x"}""", HttpStatusCode.BadRequest, "model"),
            ("/openai/v1/batches", """{"input_file_id":"file-00000000000000000000000000000000","endpoint":"/v1/embeddings","completion_window":"24h"}""", HttpStatusCode.NotFound, null),
        };
        foreach (var (path, json, status, param) in refusals)
        {
            var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, path, fixture.AppKey, json);
            Assert.True(response.StatusCode == status, $"{json}: {(int)response.StatusCode} {body}");
            Assert.Equal("invalid_request_error", body!["error"]!["type"]!.GetValue<string>());
            Assert.Equal(param, body["error"]!["param"]?.GetValue<string>());
        }

        foreach (string path in new[] { "/openai/v1/batches/batch_00000000000000000000000000000000", "/openai/v1/batches/nope", "/openai/v1/files/file-0", "/openai/v1/files?limit=0", "/openai/v1/files?order=up", "/openai/v1/batches?limit=101" })
        {
            var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, path, fixture.AppKey);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode} {body}");
            Assert.NotNull(body!["error"]!["message"]);
        }
    }

    [Fact]
    public async Task Files_UploadListDownloadDelete_ThroughOpenAisClient()
    {
        var client = fixture.Files();
        string content = BatchData.Line("a", "/v1/embeddings", new JsonObject { ["input"] = "Ünïcödé ✓" });
        OpenAIFile file = await client.UploadFileAsync(BinaryData.FromString(content), "catalogue.jsonl", FileUploadPurpose.Batch);
        var listed = await client.GetFilesAsync(FilePurpose.Batch, Ct);
        BinaryData downloaded = await client.DownloadFileAsync(file.Id, Ct);
        var deleted = await client.DeleteFileAsync(file.Id, Ct);
        var gone = await Assert.ThrowsAsync<ClientResultException>(() => client.GetFileAsync(file.Id, Ct));

        Assert.StartsWith("file-", file.Id, StringComparison.Ordinal);
        Assert.Equal(("catalogue.jsonl", Encoding.UTF8.GetByteCount(content)), (file.Filename, file.SizeInBytes));
        Assert.Contains(listed.Value, f => f.Id == file.Id);
        Assert.Equal(content, downloaded.ToString());
        Assert.True(deleted.Value.Deleted);
        Assert.Equal(404, gone.Status);
    }

    [Fact]
    public async Task Files_UploadWithExpiresAfter_ExpiresAtItsCreationPlusTheSecondsAsOpenAisClientReadsIt()
    {
        var (response, uploaded) = await UploadAsync(("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "7200"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, uploaded?.ToJsonString());
        string id = uploaded!["id"]!.GetValue<string>();
        OpenAIFile read = await fixture.Files().GetFileAsync(id, Ct);
        OpenAIFile plain = await fixture.Files().UploadFileAsync(BinaryData.FromString("{}\n"), "plain.jsonl", FileUploadPurpose.Batch);
        var refusals = new (string Param, (string, string)[] Form)[]
        {
            ("expires_after[anchor]", [("expires_after[anchor]", "last_active_at"), ("expires_after[seconds]", "7200")]),
            ("expires_after[anchor]", [("expires_after[seconds]", "7200")]),
            ("expires_after[seconds]", [("expires_after[anchor]", "created_at")]),
            ("expires_after[seconds]", [("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "3599")]),
            ("expires_after[seconds]", [("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "2592001")]),
            ("expires_after[seconds]", [("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "1h")]),
        };

        Assert.Equal(uploaded["created_at"]!.GetValue<long>() + 7200, uploaded["expires_at"]!.GetValue<long>());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(uploaded["expires_at"]!.GetValue<long>()), read.ExpiresAt);
        Assert.Null(plain.ExpiresAt);
        foreach (var (param, form) in refusals)
        {
            var (refused, body) = await UploadAsync(form);
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{string.Join(", ", form)}: {(int)refused.StatusCode} {body}");
            Assert.Equal((param, "invalid_request_error"), (body!["error"]!["param"]?.GetValue<string>(), body["error"]!["type"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Batch_WithOutputExpiresAfter_ItsOutputFileExpiresThatLongAfterItsCreation()
    {
        OpenAIFile input = await fixture.Files().UploadFileAsync(
            BinaryData.FromString(BatchData.Line("a", "/v1/sentiment", new JsonObject { ["texts"] = new JsonArray("a fine film") })), "input.jsonl", FileUploadPurpose.Batch);
        string json = $$$"""{"input_file_id":"{{{input.Id}}}","endpoint":"/v1/sentiment","completion_window":"24h","output_expires_after":{"anchor":"created_at","seconds":86400}}""";
        var operation = await fixture.Batches().CreateBatchAsync(BinaryContent.Create(BinaryData.FromString(json)), waitUntilCompleted: true, Options);
        var batch = Parse(await operation.GetBatchAsync(Options));
        OpenAIFile output = await fixture.Files().GetFileAsync(batch["output_file_id"]!.GetValue<string>(), Ct);
        var refusals = new (string Param, string Policy)[]
        {
            ("output_expires_after.seconds", """{"anchor":"created_at","seconds":60}"""),
            ("output_expires_after.anchor", """{"anchor":"completed_at","seconds":86400}"""),
        };

        Assert.Equal("completed", batch["status"]!.GetValue<string>());
        Assert.Equal(output.CreatedAt.AddSeconds(86400), output.ExpiresAt);
        Assert.Null((await fixture.Files().GetFileAsync(input.Id, Ct)).Value.ExpiresAt);
        foreach (var (param, policy) in refusals)
        {
            string refusedJson = $$"""{"input_file_id":"{{input.Id}}","endpoint":"/v1/sentiment","completion_window":"24h","output_expires_after":""" + policy + "}";
            var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/openai/v1/batches", fixture.AppKey, refusedJson);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{policy}: {(int)response.StatusCode} {body}");
            Assert.Equal(param, body!["error"]!["param"]?.GetValue<string>());
        }
    }

    [Fact]
    public async Task Cancel_MidBatch_StopsWithinSecondsAndKeepsThePartialOutput()
    {
        var titles = BatchData.Netflix(1500);
        var input = new StringBuilder();
        foreach (var (id, text) in titles)
        {
            input.Append(BatchData.Line(id, "/v1/embeddings", new JsonObject { ["input"] = text }));
        }

        var file = (await fixture.Files().UploadFileAsync(BinaryData.FromString(input.ToString()), "big.jsonl", FileUploadPurpose.Batch)).Value;
        var operation = await fixture.Batches().CreateBatchAsync(BinaryContent.Create(BinaryData.FromString(CreateJson(file.Id, "/v1/embeddings"))), waitUntilCompleted: false, Options);
        var running = await PollAsync(operation, b => Counts(b).Completed > 0 || b["status"]!.GetValue<string>() != "validating" && b["status"]!.GetValue<string>() != "in_progress");
        Assert.True(running["status"]!.GetValue<string>() == "in_progress", running.ToJsonString());

        var cancelledAt = Stopwatch.StartNew();
        var answer = Parse(await operation.CancelAsync(Options));
        var cancelled = await PollAsync(operation, b => b["status"]!.GetValue<string>() == "cancelled");

        Assert.Contains(answer["status"]!.GetValue<string>(), new[] { "cancelling", "cancelled" });
        Assert.True(cancelledAt.Elapsed < TimeSpan.FromSeconds(30), $"cancelled after {cancelledAt.Elapsed}");
        string output = (await fixture.Files().DownloadFileAsync(cancelled["output_file_id"]!.GetValue<string>(), Ct)).Value.ToString();
        var ids = BatchData.Lines(output).Select(l => l["custom_id"]!.GetValue<string>()).ToList();
        Assert.InRange(ids.Count, 1, titles.Count - 1);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(titles.Take(ids.Count).Select(t => t.Id), ids);
        Assert.True(cancelled["cancelled_at"]!.GetValue<long>() >= cancelled["created_at"]!.GetValue<long>(), cancelled.ToJsonString());
    }

    private static string Metadata(int pairs) => string.Join(',', Enumerable.Range(0, pairs).Select(i => $"\"k{i}\":\"v\""));

    private static string CreateJson(string fileId, string endpoint) =>
        $$"""{"input_file_id":"{{fileId}}","endpoint":"{{endpoint}}","completion_window":"24h","metadata":{"test":"batch"} }""";

    private static (int Total, int Completed, int Failed) Counts(JsonNode batch) =>
        (batch["request_counts"]!["total"]!.GetValue<int>(), batch["request_counts"]!["completed"]!.GetValue<int>(), batch["request_counts"]!["failed"]!.GetValue<int>());

    private static int Status(JsonNode response) => response["status_code"]!.GetValue<int>();

    private static float[] Vector(JsonNode embedding) => embedding.GetValueKind() == System.Text.Json.JsonValueKind.String
        ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(embedding.GetValue<string>())).ToArray()
        : [.. embedding.AsArray().Select(v => v!.GetValue<float>())];

    private static JsonNode Parse(ClientResult result) => JsonNode.Parse(result.GetRawResponse().Content.ToString())!;

    private async Task<JsonNode> CreateAsync(string fileId, string endpoint, string key)
    {
        var operation = await fixture.Batches(key).CreateBatchAsync(BinaryContent.Create(BinaryData.FromString(CreateJson(fileId, endpoint))), waitUntilCompleted: false, Options);
        return Parse(await operation.GetBatchAsync(Options));
    }

    private static async Task<JsonNode> PollAsync(OpenAI.Batch.CreateBatchOperation operation, Func<JsonNode, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var batch = Parse(await operation.GetBatchAsync(Options));
            if (done(batch) || deadline.Elapsed > TimeSpan.FromSeconds(180))
            {
                return batch;
            }

            await Task.Delay(50, Ct);
        }
    }

    // Upload, create and wait through OpenAI's client; then download the output and error files it names.
    private async Task<(JsonNode Batch, string? Output, string? Errors)> RunAsync(string jsonl, string endpoint)
    {
        var files = fixture.Files();
        OpenAIFile file = await files.UploadFileAsync(BinaryData.FromString(jsonl), "input.jsonl", FileUploadPurpose.Batch);
        var operation = await fixture.Batches().CreateBatchAsync(BinaryContent.Create(BinaryData.FromString(CreateJson(file.Id, endpoint))), waitUntilCompleted: true, Options);
        var batch = Parse(await operation.GetBatchAsync(Options));
        Assert.True(operation.HasCompleted, batch.ToJsonString());
        Assert.Equal(("batch", file.Id, "batch"), (batch["object"]!.GetValue<string>(), batch["input_file_id"]!.GetValue<string>(), batch["metadata"]!["test"]!.GetValue<string>()));
        string? output = batch["output_file_id"]?.GetValue<string>() is { } outputId ? (await files.DownloadFileAsync(outputId, Ct)).Value.ToString() : null;
        string? errors = batch["error_file_id"]?.GetValue<string>() is { } errorId ? (await files.DownloadFileAsync(errorId, Ct)).Value.ToString() : null;
        return (batch, output, errors);
    }

    // A multipart upload as OpenAI's clients send one, with the extra form fields given (expires_after's, flattened).
    private async Task<(HttpResponseMessage Response, JsonNode? Body)> UploadAsync(params (string Name, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent { { new StringContent("batch"), "purpose" }, { new ByteArrayContent("{}\n"u8.ToArray()), "file", "input.jsonl" } };
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/openai/v1/files") { Content = form };
        SecureGateway.Authorize(request, fixture.AppKey, apiKeyHeader: false);
        var response = await fixture.Gateway.Client.SendAsync(request, Ct);
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct)));
    }

    private async Task<JsonNode> PostAsync(string path, string json)
    {
        var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, path, fixture.AppKey, json);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} {json}: {(int)response.StatusCode} {body}");
        return body!;
    }
}
