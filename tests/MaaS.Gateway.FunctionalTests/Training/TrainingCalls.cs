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

    /// <summary>Polls the job until it has ended (or <paramref name="timeout"/> passes: then the test fails with the job as last seen).</summary>
    public static async Task<JsonNode> WaitFinishedAsync(HttpClient client, string id, TimeSpan timeout, Func<string>? context = null)
    {
        var clock = Stopwatch.StartNew();
        JsonNode? job = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                job = await GetAsync(client, $"/v1/trainings/{id}");
                if (job["state"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled")
                {
                    return job;
                }
            }
            catch (HttpRequestException)
            {
                // A gateway being restarted: ask again.
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"job {id} did not finish within {timeout}: {job?.ToJsonString()}\n{context?.Invoke()}");
        return null!;
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
