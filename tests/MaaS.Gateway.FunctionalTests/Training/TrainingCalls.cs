using System.Net.Http.Headers;
using System.Net.Http.Json;
using MaaS.TestSupport.Text;

namespace MaaS.Gateway.FunctionalTests.Training;

/// <summary>The calls the training tests make over HTTP, and their datasets.</summary>
internal static class TrainingCalls
{
    public static async Task<(HttpResponseMessage Response, JsonNode? Body)> SubmitAsync(HttpClient client, string body, string contentType, string query = "")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await SendAsync(client, "/v1/trainings" + query, content);
    }

    public static async Task<(HttpResponseMessage Response, JsonNode? Body)> SubmitBytesAsync(HttpClient client, byte[] body, string contentType, string query = "")
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await SendAsync(client, "/v1/trainings" + query, content);
    }

    public static async Task<JsonNode> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Submits a dataset that must be accepted (else the test fails with the answer); returns the job's id.</summary>
    public static async Task<string> SubmitAcceptedAsync(HttpClient client, string body, string contentType, string query = "")
    {
        var (response, job) = await SubmitAsync(client, body, contentType, query);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {job}");
        return job!["id"]!.GetValue<string>();
    }

    /// <summary>Polls the job until it has ended (or <paramref name="timeout"/> passes: then the test fails with the job as last seen).</summary>
    public static async Task<JsonNode> WaitFinishedAsync(HttpClient client, string id, TimeSpan timeout, Func<string>? context = null)
    {
        var job = await PollAsync(client, id, j => j["status"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled", timeout, TimeSpan.FromMilliseconds(200));
        Assert.True(job["status"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled", $"job {id} did not finish within {timeout}: {job.ToJsonString()}\n{context?.Invoke()}");
        return job;
    }

    /// <summary>
    /// Reads the job every <paramref name="interval"/> until <paramref name="until"/> holds or <paramref name="timeout"/>
    /// passes, and returns it as last seen: the caller asserts what it waited for. A gateway that does not answer (being
    /// restarted) is asked again.
    /// </summary>
    public static async Task<JsonNode> PollAsync(HttpClient client, string id, Func<JsonNode, bool> until, TimeSpan timeout, TimeSpan interval)
    {
        var clock = Stopwatch.StartNew();
        JsonNode? job = null;
        while (true)
        {
            try
            {
                job = await GetAsync(client, $"/v1/trainings/{id}");
                if (until(job))
                {
                    return job;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (clock.Elapsed >= timeout)
            {
                Assert.True(job is not null, $"job {id}: no answer within {timeout}");
                return job;
            }

            await Task.Delay(interval, TestContext.Current.CancellationToken);
        }
    }

    public static async Task<JsonNode> ClassifyAsync(HttpClient client, string model, params string[] texts)
    {
        using var response = await client.PostAsJsonAsync("/v1/classify", new { model, texts }, TestContext.Current.CancellationToken);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"classify with {model}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Synthetic reviews as CSV (quoted text, label positive/negative).</summary>
    public static string SentimentCsv(int rows, int seed)
    {
        var (texts, labels) = SyntheticText.Sentiment(rows, seed);
        var csv = new StringBuilder("text,label\n");
        for (int i = 0; i < texts.Count; i++)
        {
            csv.Append('"').Append(texts[i].Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\",").Append(labels[i] == 1 ? "positive" : "negative").Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>Synthetic reviews as JSON Lines.</summary>
    public static string SentimentJsonLines(int rows, int seed)
    {
        var (texts, labels) = SyntheticText.Sentiment(rows, seed);
        return string.Concat(texts.Select((t, i) => new JsonObject { ["text"] = t, ["label"] = labels[i] == 1 ? "positive" : "negative" }.ToJsonString() + "\n"));
    }

    private static async Task<(HttpResponseMessage, JsonNode?)> SendAsync(HttpClient client, string path, HttpContent content)
    {
        var response = await client.PostAsync(path, content, TestContext.Current.CancellationToken);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response, string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text));
    }
}
