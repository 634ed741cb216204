namespace MaaS.Gateway.FunctionalTests.Batches;

/// <summary>
/// A batch whose gateway is killed mid-run finishes on the restarted gateway with every custom_id answered once, the
/// restarted run starting after the lines checkpointed before the kill rather than answering them again.
/// </summary>
public sealed class BatchDurabilityTests
{
    [Fact]
    public async Task EmbeddingsBatch_GatewaySigkilledMidBatch_ResumesAfterItsCheckpointWithEachCustomIdOnce()
    {
        var titles = BatchData.Netflix(800);
        using var folder = new GatewayFolder("maas-batch-crash-");
        string source = Path.Combine(SharedData.RepositoryRoot, "models", BatchGateway.Model);
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(folder.Models, BatchGateway.Model, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.CreateSymbolicLink(target, file);
        }

        // A short lease, so the restarted gateway takes the dead run's batch over within seconds; a checkpoint after every
        // model call, stored before the counts it reports, so the counts seen before the kill are all checkpointed.
        var settings = new Dictionary<string, string>
        {
            ["Jobs:LeaseSeconds"] = "2", ["Jobs:HeartbeatSeconds"] = "0.2", ["Jobs:PollSeconds"] = "0.2", ["Batches:CheckpointLines"] = "1",
            ["Serilog:MinimumLevel:Override:MaaS.Services.Batches"] = "Information",
        };
        var input = new StringBuilder();
        foreach (var (id, text) in titles)
        {
            input.Append(BatchData.Line(id, "/v1/embeddings", new JsonObject { ["input"] = text }));
        }

        string batchId;
        int checkpointed;
        long firstRun;
        using (var first = await folder.StartAsync(settings, TimeSpan.FromSeconds(90)))
        {
            using var client = new HttpClient { BaseAddress = first.Address };
            using var form = new MultipartFormDataContent
            {
                { new ByteArrayContent(Encoding.UTF8.GetBytes(input.ToString())), "file", "catalogue.jsonl" },
                { new StringContent("batch"), "purpose" },
            };
            using var uploaded = await client.PostAsync("/openai/v1/files", form, Ct);
            var file = JsonNode.Parse(await uploaded.Content.ReadAsStringAsync(Ct))!;
            using var created = await client.PostAsync("/openai/v1/batches",
                new StringContent($$"""{"input_file_id":"{{file["id"]}}","endpoint":"/v1/embeddings","completion_window":"24h"}""", Encoding.UTF8, "application/json"), Ct);
            batchId = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!["id"]!.GetValue<string>();
            var running = await PollAsync(client, batchId, b => b["request_counts"]!["completed"]!.GetValue<int>() >= 64 || b["status"]!.GetValue<string>() is "completed" or "failed");

            Assert.True(running["status"]!.GetValue<string>() == "in_progress", $"not mid-batch: {running}\n{first.Tail}");
            first.Kill();
            checkpointed = running["request_counts"]!["completed"]!.GetValue<int>();
            firstRun = running["in_progress_at"]!.GetValue<long>();
        }

        using var second = await folder.StartAsync(settings, TimeSpan.FromSeconds(90));
        using var again = new HttpClient { BaseAddress = second.Address };
        // The restarted run's claim sets in_progress_at anew (the restart takes seconds); until it reports, the batch reads validating.
        var resumed = await PollAsync(again, batchId, b =>
            b["status"]!.GetValue<string>() is not "validating" and not "in_progress" || (b["status"]!.GetValue<string>() == "in_progress" && b["in_progress_at"]!.GetValue<long>() != firstRun));
        var done = await PollAsync(again, batchId, b => b["status"]!.GetValue<string>() is "completed" or "failed" or "cancelled" or "expired", TimeSpan.FromSeconds(400));

        Assert.True(done["status"]!.GetValue<string>() == "completed", $"{done}\n{second.Tail}");
        Assert.Equal(titles.Count, done["request_counts"]!["completed"]!.GetValue<int>());
        // The restarted run took the checkpoint up: its first counts already hold the lines answered before the kill,
        // and it says where it started (a run answering every line again would start at 0).
        Assert.True(resumed["request_counts"]!["completed"]!.GetValue<int>() >= checkpointed, $"restarted below the checkpoint of {checkpointed}: {resumed}");
        var start = Regex.Match(second.Output, @"resumed after (\d+) of 800 requests");
        Assert.True(start.Success, $"the restarted run did not resume from a checkpoint:\n{second.Tail}");
        int from = int.Parse(start.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(from, checkpointed, titles.Count - 1);
        string output = await again.GetStringAsync($"/openai/v1/files/{done["output_file_id"]}/content", Ct);
        var ids = BatchData.Lines(output).Select(l => l["custom_id"]!.GetValue<string>()).ToList();
        Assert.Equal(titles.Select(t => t.Id), ids);
        var files = JsonNode.Parse(await again.GetStringAsync("/openai/v1/files?purpose=batch_output", Ct))!["data"]!.AsArray();
        Assert.Single(files);
    }

    private static async Task<JsonNode> PollAsync(HttpClient client, string batchId, Func<JsonNode, bool> done, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var batch = JsonNode.Parse(await client.GetStringAsync($"/openai/v1/batches/{batchId}", Ct))!;
            if (done(batch) || deadline.Elapsed > (timeout ?? TimeSpan.FromSeconds(180)))
            {
                return batch;
            }

            await Task.Delay(50, Ct);
        }
    }
}
