using MaaS.TestSupport.Text;

namespace MaaS.Gateway.FunctionalTests.Training;

public sealed class TrainingApiTests
{
    private static readonly Dictionary<string, string?> FastJobs = new()
    {
        ["Jobs:PollSeconds"] = "0.1",
        ["Jobs:HeartbeatSeconds"] = "0.1",
    };

    [Fact]
    public async Task Training_UploadFollowClassifyRetrainRollback_WorksEndToEndOverHttp()
    {
        await using var host = GatewayHost.Start(_ => { }, FastJobs);
        var ct = TestContext.Current.CancellationToken;

        var (accepted, job) = await TrainingCalls.SubmitAsync(host.Client, TrainingCalls.SentimentCsv(2000, seed: 7), "text/csv", "?model=reviews&folds=3");
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{(int)accepted.StatusCode} {job}");
        string id = job!["id"]!.GetValue<string>();
        Assert.Equal($"/v1/trainings/{id}", accepted.Headers.Location?.OriginalString);
        Assert.Equal(2000, job["rows"]!.GetValue<int>());
        Assert.Equal(["negative", "positive"], job["labels"]!.AsArray().Select(l => l!.GetValue<string>()));

        // Live progress: every change as an event, ending with the final state.
        var events = new List<(string Event, JsonNode Data)>();
        using (var stream = await host.Client.GetAsync($"/v1/trainings/{id}/events", HttpCompletionOption.ResponseHeadersRead, ct))
        {
            Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(ct));
            string? name = null;
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    events.Add((name!, JsonNode.Parse(line["data: ".Length..])!));
                }
            }
        }

        string trace = string.Join("; ", events.Select(e => $"{e.Event} {e.Data["phase"]} {e.Data["progress"]}"));
        Assert.True(events.Count >= 2, "events: " + trace);
        Assert.Equal("progress", events[0].Event);
        Assert.Equal("succeeded", events[^1].Event);
        Assert.Contains(events, e => e.Data["status"]!.GetValue<string>() == "running" && e.Data["progress"]!.GetValue<double>() is > 0 and < 1);
        var progress = events.Select(e => e.Data["progress"]!.GetValue<double>()).ToList();
        Assert.True(progress.Zip(progress.Skip(1)).All(p => p.Second >= p.First), "progress went back: " + trace);

        var done = await TrainingCalls.GetAsync(host.Client, $"/v1/trainings/{id}");
        var result = done["result"]!;
        Assert.Equal("default.reviews", result["model"]!.GetValue<string>());
        Assert.Equal(1, result["version"]!.GetValue<long>());
        Assert.Equal(done["fingerprint"]!.GetValue<string>(), result["fingerprint"]!.GetValue<string>());
        Assert.Equal(6, result["candidates"]!.AsArray().Count);
        var cv = result["crossValidation"]!;
        Assert.True(cv["accuracy"]!.GetValue<double>() > 0.8, $"CV accuracy on cue-word reviews: {cv}");
        Assert.Equal(2000, cv["confusionMatrix"]!.AsArray().SelectMany(r => r!.AsArray()).Sum(c => c!.GetValue<int>()));
        Assert.Equal(2, cv["perLabel"]!.AsArray().Count);
        string card = File.ReadAllText(Path.Combine(host.PublishedDirectory, "default.reviews", "1", "card.json"));
        Assert.Contains(result["fingerprint"]!.GetValue<string>(), card, StringComparison.Ordinal);
        Assert.Contains("\"visibility\":\"private\"", card, StringComparison.Ordinal);

        var classified = await TrainingCalls.ClassifyAsync(host.Client, "default.reviews", "the film was wonderful and brilliant .", "the plot was dull and boring .");
        Assert.Equal(1, classified["version"]!.GetValue<long>());
        Assert.Equal(["positive", "negative"], classified["results"]!.AsArray().Select(r => r!["label"]!.GetValue<string>()));
        var full = await TrainingCalls.ClassifyAsync(host.Client, "default.reviews", [.. Enumerable.Repeat("the story was charming .", 256)]);
        Assert.Equal(256, full["results"]!.AsArray().Count);

        // /v2 serves the same model as tensors.
        var (v2, v2Body) = await host.GetJsonAsync("/v2/models/default.reviews");
        Assert.True(v2.StatusCode == HttpStatusCode.OK, v2Body?.ToJsonString());

        // A second upload (JSON Lines) is the next version; pinning version 1 rolls back.
        string second = await TrainingCalls.SubmitAcceptedAsync(host.Client, TrainingCalls.SentimentJsonLines(300, seed: 8), "application/x-ndjson", "?model=reviews&folds=2");
        var secondDone = await TrainingCalls.WaitFinishedAsync(host.Client, second, TimeSpan.FromSeconds(60));
        Assert.Equal(2, secondDone["result"]!["version"]!.GetValue<long>());
        Assert.Equal(2, (await TrainingCalls.ClassifyAsync(host.Client, "default.reviews", "great fun"))["version"]!.GetValue<long>());
        var (pinned, pinBody) = await host.PostJsonAsync("/v2/repository/models/default.reviews/default", """{"version":1}""");
        Assert.True(pinned.StatusCode == HttpStatusCode.OK, pinBody?.ToJsonString());
        Assert.Equal(1, (await TrainingCalls.ClassifyAsync(host.Client, "default.reviews", "great fun"))["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task Training_MultiLabelRows_ClassifyDecidesSeveralLabels()
    {
        await using var host = GatewayHost.Start(_ => { }, FastJobs);
        var (texts, labels, names) = SyntheticText.Tags(400, seed: 3);
        var rows = new JsonArray([.. texts.Select((t, i) => (JsonNode)new JsonObject
        {
            ["text"] = t,
            ["labels"] = new JsonArray([.. labels[i].Select(l => (JsonNode)JsonValue.Create(names[l]))]),
        })]);
        string body = new JsonObject { ["model"] = "genres", ["multiLabel"] = true, ["rows"] = rows, ["settings"] = new JsonObject { ["folds"] = 3 } }.ToJsonString();

        string id = await TrainingCalls.SubmitAcceptedAsync(host.Client, body, "application/json");
        var done = await TrainingCalls.WaitFinishedAsync(host.Client, id, TimeSpan.FromSeconds(60));
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", done.ToJsonString());
        Assert.True(done["result"]!["crossValidation"]!["microF1"]!.GetValue<double>() > 0.8, done["result"]!["crossValidation"]!.ToJsonString());
        Assert.Null(done["result"]!["crossValidation"]!["confusionMatrix"]);

        var classified = await TrainingCalls.ClassifyAsync(host.Client, "default.genres", "the film was a space story with a dragon and magic");
        var decided = classified["results"]![0]!["labels"]!.AsArray().Select(l => l!.GetValue<string>()).Order().ToList();
        Assert.Equal(["fantasy", "sci-fi"], decided);
    }

    [Fact]
    public async Task Submit_EachBadDataset_400ListingTheProblemAndNoJob()
    {
        await using var host = GatewayHost.Start(_ => { }, new Dictionary<string, string?> { ["Training:MaxBodyBytes"] = "4096", ["Jobs:Enabled"] = "false" });
        string good = """{"text":"fine","label":"a"}""";
        var cases = new (string Name, byte[] Body, string ContentType, string Query, string Field, string Reason)[]
        {
            ("empty text", Json("""[{"text":"","label":"a"},{"text":"x","label":"a"},{"text":"y","label":"a"},{"text":"z","label":"b"},{"text":"w","label":"b"},{"text":"v","label":"b"}]"""), "application/json", "", "rows[0].text", "is empty"),
            ("missing label", Json("""[{"text":"x","label":"a"},{"text":"y"},{"text":"z","label":"a"},{"text":"u","label":"a"},{"text":"w","label":"b"},{"text":"v","label":"b"},{"text":"t","label":"b"}]"""), "application/json", "", "rows[1].label", "is missing"),
            ("one class", Utf8("text,label\nx,a\ny,a\nz,a\nw,a\n"), "text/csv", "?model=m", "labels", "one class only"),
            ("too few examples", Utf8("text,label\nx,a\ny,a\nz,a\nw,b\n"), "text/csv", "?model=m", "labels", "label 'b' has 1 example(s)"),
            ("bad encoding", [.. Utf8(good + "\n"), 0xC3, 0x28, (byte)'\n'], "application/x-ndjson", "?model=m", "body", "not valid UTF-8"),
            ("over the size limit", Utf8("text,label\n" + string.Concat(Enumerable.Repeat("some text that fills the body,a\n", 200))), "text/csv", "?model=m", "body", "larger than the limit of 4096 bytes"),
            ("no header", Utf8("x,a\ny,b\n"), "text/csv", "?model=m", "header", "text"),
            ("not JSON", Utf8("{\"model\":"), "application/json", "", "body", "not valid JSON"),
            ("no model", Utf8("text,label\nx,a\ny,a\nz,a\nw,b\nv,b\nu,b\n"), "text/csv", "", "model", "required"),
            ("misspelt member", Utf8("""{"model":"m","multiLabels":true,"rows":[{"text":"x","label":"a"},{"text":"y","label":"b"}]}"""), "application/json", "", "multiLabels", "unknown member 'multiLabels' (did you mean 'multiLabel'?)"),
            ("misspelt setting", Utf8("""{"model":"m","settings":{"fold":3},"rows":[{"text":"x","label":"a"},{"text":"y","label":"b"}]}"""), "application/json", "", "settings.fold", "unknown member 'fold' (did you mean 'folds'?)"),
            ("misspelt row member", Json("""[{"text":"x","label":"a"},{"text":"y","lable":"b"}]"""), "application/json", "", "rows[1].lable", "unknown member 'lable' (did you mean 'label'?)"),
            ("several labels in a single-label set", Json("""[{"text":"x","labels":["a","b"]},{"text":"y","label":"a"},{"text":"z","label":"a"},{"text":"u","label":"a"},{"text":"w","label":"b"},{"text":"v","label":"b"},{"text":"t","label":"b"}]"""), "application/json", "", "rows[0].label", "has 2 labels"),
        };

        var failures = new List<string>();
        foreach (var (name, body, contentType, query, field, reason) in cases)
        {
            var (response, problem) = await TrainingCalls.SubmitBytesAsync(host.Client, body, contentType, query);
            var errors = problem?["errors"]?.AsArray().Select(e => (Field: e!["field"]!.GetValue<string>(), Reason: e["reason"]!.GetValue<string>())).ToList() ?? [];
            if (response.StatusCode != HttpStatusCode.BadRequest || problem?["code"]?.GetValue<string>() != "InvalidRequest"
                || !errors.Any(e => e.Field == field && e.Reason.Contains(reason, StringComparison.Ordinal)))
            {
                failures.Add($"{name}: {(int)response.StatusCode} {problem?.ToJsonString()}");
            }
        }

        var (unsupported, _) = await TrainingCalls.SubmitAsync(host.Client, "text", "text/plain", "?model=m");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        var list = await TrainingCalls.GetAsync(host.Client, "/v1/trainings");
        Assert.Empty(list.AsArray());

        static byte[] Json(string rows) => Encoding.UTF8.GetBytes($$"""{"model":"m","rows":{{rows}}}""");
        static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
    }

    [Fact]
    public async Task Delete_QueuedTraining_CancelledAndNeverRuns()
    {
        // No runner on this host: the job stays queued until cancelled.
        await using var host = GatewayHost.Start(_ => { }, new Dictionary<string, string?> { ["Jobs:Enabled"] = "false" });
        string id = await TrainingCalls.SubmitAcceptedAsync(host.Client, TrainingCalls.SentimentCsv(30, seed: 1), "text/csv", "?model=later");

        var (cancelled, body) = await host.SendJsonAsync(HttpMethod.Delete, $"/v1/trainings/{id}", null);
        var again = await TrainingCalls.GetAsync(host.Client, $"/v1/trainings/{id}");
        var (unknown, _) = await host.SendJsonAsync(HttpMethod.Delete, "/v1/trainings/00000000000000000000000000000000", null);
        var (malformed, _) = await host.GetJsonAsync("/v1/trainings/not-an-id");

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", body!["status"]!.GetValue<string>());
        Assert.Equal("cancelled", again["status"]!.GetValue<string>());
        Assert.Equal(0, again["attempts"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
    }
}
