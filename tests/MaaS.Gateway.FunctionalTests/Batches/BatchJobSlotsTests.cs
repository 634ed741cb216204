using MaaS.Gateway.FunctionalTests.Training;

namespace MaaS.Gateway.FunctionalTests.Batches;

/// <summary>
/// A tenant's batch runs in a job slot of its own (<c>Jobs:KindConcurrency</c>): with <c>Jobs:PerTenantConcurrency</c> 1,
/// the tenant's training submitted while its long batch runs starts before the batch ends, on a real gateway.
/// </summary>
public sealed class BatchJobSlotsTests
{
    [Fact]
    public async Task Training_SubmittedWhileTheTenantsBatchRuns_StartsBeforeTheBatchEnds()
    {
        // 8,000 one-line model calls: the batch runs for many seconds while the training is submitted and claimed.
        await using var host = GatewayHost.Start(r => r.WithShippedModel(BatchGateway.Model), new Dictionary<string, string?>
        {
            ["Jobs:PollSeconds"] = "0.1", ["Jobs:HeartbeatSeconds"] = "0.1", ["Jobs:PerTenantConcurrency"] = "1", ["Jobs:LocalConcurrency"] = "1",
            ["Batches:TextsPerCall"] = "1",
        });
        var input = new StringBuilder();
        foreach (var (id, text) in BatchData.Netflix(8000))
        {
            input.Append(BatchData.Line(id, "/v1/embeddings", new JsonObject { ["input"] = text }));
        }

        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(input.ToString())), "file", "titles.jsonl" },
            { new StringContent("batch"), "purpose" },
        };
        using var uploaded = await host.Client.PostAsync("/openai/v1/files", form, Ct);
        var file = JsonNode.Parse(await uploaded.Content.ReadAsStringAsync(Ct))!;
        using var created = await host.Client.PostAsync("/openai/v1/batches",
            new StringContent($$"""{"input_file_id":"{{file["id"]}}","endpoint":"/v1/embeddings","completion_window":"24h"}""", Encoding.UTF8, "application/json"), Ct);
        string batchId = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!["id"]!.GetValue<string>();
        var running = await BatchAsync(host, batchId, b => b["status"]!.GetValue<string>() is not "validating");
        Assert.True(running["status"]!.GetValue<string>() == "in_progress", running.ToJsonString());

        string training = await TrainingCalls.SubmitAcceptedAsync(host.Client, TrainingCalls.SentimentCsv(30, seed: 1), "text/csv", "?model=beside-batch");
        var started = await TrainingCalls.PollAsync(host.Client, training, j => j["status"]!.GetValue<string>() is not "queued", TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(100));
        var batch = await BatchAsync(host, batchId, _ => true);

        Assert.True(started["status"]!.GetValue<string>() is "running" or "succeeded", started.ToJsonString());
        Assert.True(batch["status"]!.GetValue<string>() == "in_progress", $"the batch ended before the training started: {batch.ToJsonString()}");
        using var cancelled = await host.Client.PostAsync($"/openai/v1/batches/{batchId}/cancel", null, Ct);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
    }

    private static async Task<JsonNode> BatchAsync(GatewayHost host, string batchId, Func<JsonNode, bool> until)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var batch = JsonNode.Parse(await host.Client.GetStringAsync($"/openai/v1/batches/{batchId}", Ct))!;
            if (until(batch) || clock.Elapsed > TimeSpan.FromSeconds(120))
            {
                return batch;
            }

            await Task.Delay(100, Ct);
        }
    }
}
