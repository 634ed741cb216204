using System.Text.Encodings.Web;
using System.Text.Json;
using MaaS.Gateway.Contracts.V1;
using MaaS.Services.Agents;
using MaaS.Services.Recommendations.Contracts;
using Microsoft.AspNetCore.Http;

namespace MaaS.Gateway.FunctionalTests.Endpoints;

/// <summary>
/// The /v1 and /v2 JSON answers are serialised into buffers each thread reuses, one per set of writer options: answers
/// of both kinds and of different sizes, interleaved, must each come whole, with their own Content-Length (no chunked
/// framing) and nothing left behind from a longer answer before them; and a thread serving answers of several
/// serializer contexts in turn must find its buffers instead of making new ones.
/// </summary>
public sealed class AnswerFramingTests
{
    [Fact]
    public void AnswersOfThreeContexts_InTurnOnOneThread_ReuseTheThreadsBuffers()
    {
        // As a thread serving recommend (one context), decide (another) and /v2 (a third, its own encoder) in turn.
        var relaxed = new RecommendationsJsonContext(new JsonSerializerOptions(RecommendationsJsonContext.Default.Options)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        var events = new EventBatchResponse(3, 2, 1);
        var outcomes = new OutcomeResponse(1, 0, 0, 0, 0, []);
        var items = new ItemBatchResponse(7);
        var http = new DefaultHttpContext();
        http.Response.Body = Stream.Null;
        void Answer()
        {
            MaaS.Http.Answers.JsonAnswerBuffer.WriteAsync(http, 200, "application/json", events, RecommendationsJsonContext.Default.EventBatchResponse).GetAwaiter().GetResult();
            MaaS.Http.Answers.JsonAnswerBuffer.WriteAsync(http, 200, "application/json", outcomes, AgentsJsonContext.Default.OutcomeResponse).GetAwaiter().GetResult();
            MaaS.Http.Answers.JsonAnswerBuffer.WriteAsync(http, 200, "application/json", items, relaxed.ItemBatchResponse).GetAwaiter().GetResult();
        }

        Answer();
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int Rounds = 100;
        for (int i = 0; i < Rounds; i++)
        {
            Answer();
        }

        // A buffer made anew costs its 1 KiB array, its writer and itself; a reused one costs nothing.
        double perAnswer = (GC.GetAllocatedBytesForCurrentThread() - before) / (3.0 * Rounds);
        Assert.True(perAnswer < 512, $"{perAnswer:F0} bytes allocated per answer: the thread's answer buffers were not reused");
    }

    [Fact]
    public async Task V1AndV2Answers_InterleavedInDifferentSizes_EachWholeWithItsContentLength()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        string actions = string.Join(",", Enumerable.Range(1, 40).Select(i => $$"""{"id":"action-{{i}}"}"""));
        using (var put = new StringContent($$$"""{"contextFeatures":["x"],"actions":[{{{actions}}}],"policy":{"kind":"epsilon-greedy","epsilon":0.1,"seed":3}}""", Encoding.UTF8, "application/json"))
        {
            using var defined = await host.Client.PutAsync("/v1/agents/framing", put, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, defined.StatusCode);
        }

        var rng = new Random(11);
        foreach (var (kind, size) in new[] { ("v2", 64), ("v1", 40), ("v2", 1), ("v1", 2), ("v2", 64), ("v1", 1), ("v2", 2) })
        {
            string path, json;
            float[] x = [];
            if (kind == "v2")
            {
                x = [.. Enumerable.Range(0, size * ExampleMlp.InputSize).Select(_ => (float)(rng.NextDouble() * 4 - 2))];
                (path, json) = ("/v2/models/example-mlp/infer", V2Json.Infer("input", "FP32", [size, 8], x));
            }
            else
            {
                // Excluding all but `size` actions makes the ranking, and so the answer, that long.
                string excluded = string.Join(",", Enumerable.Range(size + 1, 40 - size).Select(i => $"\"action-{i}\""));
                (path, json) = ("/v1/agents/framing/decide", $$$"""{"context":{"x":0.5},"excluded":[{{{excluded}}}]}""");
            }

            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = await host.Client.PostAsync(path, content, TestContext.Current.CancellationToken);
            byte[] bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

            Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(bytes));
            Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
            Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
            Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
            var body = JsonNode.Parse(bytes)!;
            if (kind == "v2")
            {
                var (_, probabilities) = ExampleMlp.Reference(x, size);
                float[] served = V2Json.Floats(V2Json.Output(body, "probabilities"));
                Assert.Equal(probabilities.Length, served.Length);
                Assert.All(served.Zip(probabilities), p => Assert.Equal(p.Second, p.First, 1e-4f));
            }
            else
            {
                var eligible = body["ranking"]!.AsArray().Where(r => r!["eligible"]?.GetValue<bool>() != false).ToArray();
                Assert.Equal(size, eligible.Length);
                Assert.Contains(body["action"]!.GetValue<string>(), eligible.Select(r => r!["id"]!.GetValue<string>()));
            }
        }
    }
}
