namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

/// <summary>
/// Triton's classification extension over HTTP: an output requested with <c>parameters.classification</c> N answers its
/// N highest classes per row as BYTES strings "value:index:label", checked against the model's own numbers.
/// </summary>
public sealed class ClassificationTests
{
    private const string MlpInfer = "/v2/models/example-mlp/infer";

    [Theory]
    [InlineData(2, 2)]
    [InlineData(10, 3)]
    public async Task Infer_ClassificationCount_TopClassesOfEachRowWithTheModelsLabels(int count, int kept)
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        const int rows = 6;
        var rng = new Random(40 + count);
        float[] x = [.. Enumerable.Range(0, rows * ExampleMlp.InputSize).Select(_ => (float)(rng.NextDouble() * 4 - 2))];
        var request = JsonNode.Parse(V2Json.Infer("input", "FP32", [rows, 8], x))!;
        request["outputs"] = new JsonArray(
            new JsonObject { ["name"] = "probabilities", ["parameters"] = new JsonObject { ["classification"] = count } },
            new JsonObject { ["name"] = "logits" });

        var (response, body) = await host.PostJsonAsync(MlpInfer, request.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var classes = V2Json.Output(body, "probabilities")!;
        Assert.Equal("BYTES", classes["datatype"]!.GetValue<string>());
        Assert.Equal([rows, kept], classes["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        string[] strings = [.. classes["data"]!.AsArray().Select(s => s!.GetValue<string>())];
        var (logits, probabilities) = ExampleMlp.Reference(x, rows);
        for (int row = 0; row < rows; row++)
        {
            // The reference ranking: highest probability first, the lower index first among equals.
            int[] expected = [.. Enumerable.Range(0, 3).OrderByDescending(c => probabilities[row * 3 + c]).ThenBy(c => c).Take(kept)];
            for (int k = 0; k < kept; k++)
            {
                string[] parts = strings[row * kept + k].Split(':');
                Assert.Equal(3, parts.Length);
                Assert.Equal(expected[k], int.Parse(parts[1], CultureInfo.InvariantCulture));
                Assert.Equal(ExampleMlp.Labels[expected[k]], parts[2]);
                Assert.Matches(@"^\d\.\d{6}$", parts[0]);
                Assert.Equal(probabilities[row * 3 + expected[k]], float.Parse(parts[0], CultureInfo.InvariantCulture), 5e-6f);
            }
        }

        // The output asked for plainly is unchanged beside it.
        Assert.Equal("FP32", V2Json.Output(body, "logits")!["datatype"]!.GetValue<string>());
        Assert.Equal(logits.Length, V2Json.Floats(V2Json.Output(body, "logits")).Length);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("2.5")]
    [InlineData("\"two\"")]
    [InlineData("true")]
    public async Task Infer_ClassificationNotAPositiveWholeNumber_400NamingIt(string count)
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        string json = """{"inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","data":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8]}],"outputs":[{"name":"probabilities","parameters":{"classification":COUNT}}]}"""
            .Replace("COUNT", count, StringComparison.Ordinal);

        var (response, body) = await host.PostJsonAsync(MlpInfer, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("output 'probabilities' has parameters.classification", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerMetadata_ListsTheClassificationExtension()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (_, body) = await host.SendJsonAsync(HttpMethod.Get, "/v2", null);

        Assert.Contains("classification", body!["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
    }
}
