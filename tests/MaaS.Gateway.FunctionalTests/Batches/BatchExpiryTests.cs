#pragma warning disable OPENAI001 // OpenAI's batch client is marked experimental.
using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Batch;
using OpenAI.Files;
using MaaS.Services.Jobs;

namespace MaaS.Gateway.FunctionalTests.Batches;

/// <summary>
/// OpenAI's completion window on a gateway configured to a few seconds: a batch still running when it ends and one still
/// queued behind it both end <c>expired</c>, each unanswered line a <c>batch_expired</c> line of the error file; a batch
/// queued past its window behind a long job of another kind ends <c>expired</c> while that job still runs. And files'
/// expiry on a gateway with a default one (<c>Batches:DefaultFileExpirySeconds</c>, and a tenant's own): what a request
/// gives wins, the default fills in the rest.
/// </summary>
public sealed class BatchExpiryTests
{
    private const int WindowSeconds = 5;

    [Fact]
    public async Task Batches_RunningAndQueuedPastTheWindow_ExpiredWithEachUnansweredLineBatchExpired()
    {
        // One line per model call, so 6,000 lines take well past the window (at least a millisecond each); the tenant's one
        // job slot keeps the second batch queued behind the first until the window has ended for both.
        await using var gateway = SecureGateway.Start(r => r.WithShippedModel(BatchGateway.Model), new Dictionary<string, string?>
        {
            ["Batches:CompletionWindowSeconds"] = WindowSeconds.ToString(CultureInfo.InvariantCulture), ["Batches:TextsPerCall"] = "1",
            ["Jobs:HeartbeatSeconds"] = "0.2", ["Jobs:PollSeconds"] = "0.2", ["Jobs:PerTenantConcurrency"] = "1",
        });
        string key = await gateway.CreateKeyAsync("default", ["app"]);
        var options = new OpenAIClientOptions { Endpoint = new Uri(gateway.Host.Address, "/openai/v1") };
        var files = new OpenAIFileClient(new ApiKeyCredential(key), options);
        var batches = new BatchClient(new ApiKeyCredential(key), new BatchClientOptions { Endpoint = options.Endpoint });
        var titles = BatchData.Netflix(6000);
        var queuedTitles = titles.Take(2000).Select(t => ("q-" + t.Id, t.Text)).ToList();

        // Both files first, then both batches back to back: the queued batch's window ends only a create call after the
        // running one's, when the runner takes it up.
        var runningFile = await UploadAsync(files, titles);
        var queuedFile = await UploadAsync(files, queuedTitles);
        var running = await CreateAsync(batches, runningFile);
        var queued = await CreateAsync(batches, queuedFile);
        var first = await PollAsync(running);
        var second = await PollAsync(queued);

        foreach (var (batch, lines) in new[] { (first, titles), (second, queuedTitles) })
        {
            Assert.True(batch["status"]!.GetValue<string>() == "expired", batch.ToJsonString());
            // The window from the batch's creation, both read in whole seconds.
            Assert.InRange(batch["expires_at"]!.GetValue<long>() - batch["created_at"]!.GetValue<long>(), WindowSeconds - 1, WindowSeconds + 1);
            Assert.True(batch["expired_at"]!.GetValue<long>() >= batch["expires_at"]!.GetValue<long>() - 1, batch.ToJsonString());
            Assert.Null(batch["completed_at"]);
            var answered = batch["output_file_id"]?.GetValue<string>() is { } outputId ? BatchData.Lines((await files.DownloadFileAsync(outputId, Ct)).Value.ToString()) : [];
            var errors = BatchData.Lines((await files.DownloadFileAsync(batch["error_file_id"]!.GetValue<string>(), Ct)).Value.ToString());
            // Every custom_id once across the two files, the answered ones first in input order, then the expired ones.
            Assert.Equal(lines.Select(l => l.Item1), answered.Concat(errors).Select(l => l["custom_id"]!.GetValue<string>()));
            Assert.All(errors, e => Assert.Equal(("batch_expired", null), (e["error"]!["code"]!.GetValue<string>(), e["response"])));
            Assert.Equal((lines.Count, answered.Count, errors.Count), (
                batch["request_counts"]!["total"]!.GetValue<int>(), batch["request_counts"]!["completed"]!.GetValue<int>(), batch["request_counts"]!["failed"]!.GetValue<int>()));
        }

        // The running batch answered lines before its window ended. The queued one was taken up when the first's window
        // ended, a moment before its own (it was created a create call later: a clean-clone run saw it answer 2 lines in
        // that moment), and it expired with most of its lines unanswered.
        Assert.InRange(first["request_counts"]!["completed"]!.GetValue<int>(), 1, titles.Count - 1);
        Assert.InRange(second["request_counts"]!["failed"]!.GetValue<int>(), queuedTitles.Count / 2, queuedTitles.Count);

        // OpenAI's library reads the expired batch.
        var read = await batches.GetBatchAsync(first["id"]!.GetValue<string>(), new RequestOptions { CancellationToken = Ct });
        Assert.Contains("\"expired\"", read.GetRawResponse().Content.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_QueuedPastItsWindowBehindALongJob_ExpiredWhileThatJobRunsEveryLineBatchExpired()
    {
        // One job slot over the whole gateway, held by another tenant's job that runs until the test releases it (a long
        // training, say): the batch waits queued behind it past its window, and ends expired within a poll of the window's
        // end instead of showing validating until the slot frees.
        var hold = new HoldHandler();
        await using var gateway = SecureGateway.Start(r => r.WithShippedTextModels("sentiment"), new Dictionary<string, string?>
        {
            ["Batches:CompletionWindowSeconds"] = "2", ["Jobs:GlobalConcurrency"] = "1", ["Jobs:HeartbeatSeconds"] = "0.2", ["Jobs:PollSeconds"] = "0.2",
        }, services => services.AddSingleton<IJobHandler>(hold));
        var storage = gateway.Host.Services.GetRequiredService<IStorage>();
        var held = new NewJob(Guid.NewGuid().ToString("N"), "other-tenant", HoldHandler.JobKind, "{}", new string('a', 64));
        Assert.True((await storage.Jobs.CreateAsync(held, new byte[] { 1 }, Ct)).IsSuccess);
        gateway.Host.Services.GetRequiredService<JobRunner>().Wake();
        await hold.Started.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        string key = await gateway.CreateKeyAsync("default", ["app"]);
        var options = new OpenAIClientOptions { Endpoint = new Uri(gateway.Host.Address, "/openai/v1") };
        var files = new OpenAIFileClient(new ApiKeyCredential(key), options);
        var batches = new BatchClient(new ApiKeyCredential(key), new BatchClientOptions { Endpoint = options.Endpoint });
        string[] ids = ["r-1", "r-2", "r-3"];
        string lines = string.Concat(ids.Select(id => BatchData.Line(id, "/v1/sentiment", new JsonObject { ["texts"] = new JsonArray("a fine film") })));
        OpenAIFile input = await files.UploadFileAsync(BinaryData.FromString(lines), "input.jsonl", FileUploadPurpose.Batch);
        string json = $$"""{"input_file_id":"{{input.Id}}","endpoint":"/v1/sentiment","completion_window":"24h"}""";

        var operation = await batches.CreateBatchAsync(BinaryContent.Create(BinaryData.FromString(json)), waitUntilCompleted: false, new RequestOptions { CancellationToken = Ct });
        var batch = await PollAsync(operation);
        var holder = await storage.Jobs.GetAsync(held.Tenant, held.Id, Ct);
        hold.Release();

        Assert.True(batch["status"]!.GetValue<string>() == "expired", batch.ToJsonString());
        Assert.Equal(JobState.Running, holder.Value.State);
        Assert.Null(batch["output_file_id"]);
        Assert.True(batch["expired_at"]!.GetValue<long>() >= batch["expires_at"]!.GetValue<long>() - 1, batch.ToJsonString());
        var errors = BatchData.Lines((await files.DownloadFileAsync(batch["error_file_id"]!.GetValue<string>(), Ct)).Value.ToString());
        Assert.Equal(ids, errors.Select(e => e["custom_id"]!.GetValue<string>()));
        Assert.All(errors, e => Assert.Equal(("batch_expired", null), (e["error"]!["code"]!.GetValue<string>(), e["response"])));
        Assert.Equal((3, 0, 3), (batch["request_counts"]!["total"]!.GetValue<int>(), batch["request_counts"]!["completed"]!.GetValue<int>(),
            batch["request_counts"]!["failed"]!.GetValue<int>()));
    }

    // A job of its own kind that runs until released (or until the gateway stops).
    private sealed class HoldHandler : IJobHandler
    {
        public const string JobKind = "test-hold";

        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Kind => JobKind;

        public void Release() => _released.TrySetResult();

        public async Task<string> RunAsync(JobExecution execution, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
            return "{}";
        }
    }

    private static async Task<string> UploadAsync(OpenAIFileClient files, IReadOnlyList<(string Id, string Text)> titles)
    {
        var input = new StringBuilder();
        foreach (var (id, text) in titles)
        {
            input.Append(BatchData.Line(id, "/v1/embeddings", new JsonObject { ["input"] = text }));
        }

        OpenAIFile file = await files.UploadFileAsync(BinaryData.FromString(input.ToString()), "titles.jsonl", FileUploadPurpose.Batch);
        return file.Id;
    }

    private static async Task<CreateBatchOperation> CreateAsync(BatchClient batches, string fileId)
    {
        string body = $$"""{"input_file_id":"{{fileId}}","endpoint":"/v1/embeddings","completion_window":"24h"}""";
        return await batches.CreateBatchAsync(BinaryContent.Create(BinaryData.FromString(body)), waitUntilCompleted: false, new RequestOptions { CancellationToken = Ct });
    }

    private static async Task<JsonNode> PollAsync(CreateBatchOperation operation)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var batch = JsonNode.Parse((await operation.GetBatchAsync(new RequestOptions { CancellationToken = Ct })).GetRawResponse().Content.ToString())!;
            if (batch["status"]!.GetValue<string>() is "completed" or "failed" or "expired" or "cancelled" || deadline.Elapsed > TimeSpan.FromSeconds(240))
            {
                return batch;
            }

            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task DefaultFileExpiry_UploadsAndBatchOutputsWithoutTheirOwnExpireAfterIt()
    {
        await using var gateway = SecureGateway.Start(r => r.WithShippedTextModels("sentiment"), new Dictionary<string, string?>
        {
            ["Batches:DefaultFileExpirySeconds"] = "7200", ["Batches:TenantDefaultFileExpirySeconds:acme"] = "86400",
            ["Jobs:HeartbeatSeconds"] = "0.2", ["Jobs:PollSeconds"] = "0.2",
        });
        string key = await gateway.CreateKeyAsync("default", ["app"]);
        var endpoint = new Uri(gateway.Host.Address, "/openai/v1");
        var files = new OpenAIFileClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = endpoint });
        var batches = new BatchClient(new ApiKeyCredential(key), new BatchClientOptions { Endpoint = endpoint });

        OpenAIFile input = await files.UploadFileAsync(
            BinaryData.FromString(BatchData.Line("a", "/v1/sentiment", new JsonObject { ["texts"] = new JsonArray("a fine film") })), "input.jsonl", FileUploadPurpose.Batch);
        string json = $$"""{"input_file_id":"{{input.Id}}","endpoint":"/v1/sentiment","completion_window":"24h"}""";
        var operation = await batches.CreateBatchAsync(BinaryContent.Create(BinaryData.FromString(json)), waitUntilCompleted: true, new RequestOptions { CancellationToken = Ct });
        var batch = JsonNode.Parse((await operation.GetBatchAsync(new RequestOptions { CancellationToken = Ct })).GetRawResponse().Content.ToString())!;
        OpenAIFile output = await files.GetFileAsync(batch["output_file_id"]!.GetValue<string>(), Ct);

        using var form = new MultipartFormDataContent
        {
            { new StringContent("batch"), "purpose" }, { new ByteArrayContent("{}\n"u8.ToArray()), "file", "own.jsonl" },
            { new StringContent("created_at"), "expires_after[anchor]" }, { new StringContent("3600"), "expires_after[seconds]" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/openai/v1/files") { Content = form };
        SecureGateway.Authorize(request, key, apiKeyHeader: false);
        using var response = await gateway.Client.SendAsync(request, Ct);
        var own = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        // Tenant acme has a default of its own: a day.
        var acmeFiles = new OpenAIFileClient(new ApiKeyCredential(await gateway.CreateKeyAsync("acme", ["app"])), new OpenAIClientOptions { Endpoint = endpoint });
        OpenAIFile acme = await acmeFiles.UploadFileAsync(BinaryData.FromString("{}\n"), "acme.jsonl", FileUploadPurpose.Batch);

        Assert.Equal(input.CreatedAt.AddSeconds(7200), input.ExpiresAt);
        Assert.Equal("completed", batch["status"]!.GetValue<string>());
        Assert.Equal(output.CreatedAt.AddSeconds(7200), output.ExpiresAt);
        Assert.Equal(own["created_at"]!.GetValue<long>() + 3600, own["expires_at"]!.GetValue<long>());
        Assert.Equal(acme.CreatedAt.AddSeconds(86_400), acme.ExpiresAt);
    }
}
