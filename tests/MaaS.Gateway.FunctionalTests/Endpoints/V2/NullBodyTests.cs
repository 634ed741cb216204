namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

/// <summary>
/// <c>null</c> is never a value in a /v2 request body (the unpin of the default version is the one documented
/// exception): every position of a valid body, replaced by null in turn, is refused with a 400 <c>{"error"}</c>.
/// </summary>
public sealed class NullBodyTests
{
    // Every member the infer request has, so that each one is nulled in turn.
    private const string ValidInfer = """
        {
          "id": "r1",
          "parameters": { "binary_data_output": false, "tags": ["a", { "k": 1 }] },
          "inputs": [
            {
              "name": "input", "datatype": "FP32", "shape": [1, 8],
              "parameters": { "note": "x" },
              "data": [[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]]
            }
          ],
          "outputs": [ { "name": "probabilities", "parameters": { "binary_data": false } } ]
        }
        """;

    [Fact]
    public async Task Post_NullAtEveryPositionOfAValidBody_400WithError()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        var cases = new List<(string Route, string Body)>();
        foreach (string route in new[] { "/v2/models/example-mlp/infer", "/v2/models/example-mlp/versions/1/infer" })
        {
            cases.AddRange(NulledJson.EachNode(ValidInfer).Select(b => (route, b)));
        }

        cases.AddRange(NulledJson.EachNode("""{ "ready": true }""").Select(b => ("/v2/repository/index", b)));
        var failures = new List<string>();

        var (infer, inferBody) = await host.PostJsonAsync("/v2/models/example-mlp/infer", ValidInfer);
        var (index, indexBody) = await host.PostJsonAsync("/v2/repository/index", """{ "ready": true }""");
        foreach (var (route, body) in cases)
        {
            var (response, answer) = await host.PostJsonAsync(route, body);
            if (response.StatusCode != HttpStatusCode.BadRequest || answer?["error"]?.GetValue<string>() is not { Length: > 0 })
            {
                failures.Add($"{route} {body} -> {(int)response.StatusCode} {answer?.ToJsonString()}");
            }
        }

        // The bodies themselves are valid: only the null makes them wrong.
        Assert.True(infer.StatusCode == HttpStatusCode.OK, inferBody?.ToJsonString());
        Assert.Equal("r1", inferBody!["id"]!.GetValue<string>());
        Assert.True(index.StatusCode == HttpStatusCode.OK, indexBody?.ToJsonString());
        Assert.True(cases.Count > 60, $"only {cases.Count} bodies");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} nulled bodies not refused with 400:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public async Task Infer_NullDataBesideBinaryData_400()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        byte[] json = Encoding.UTF8.GetBytes("""{"inputs":[{"name":"input","datatype":"FP32","shape":[1,8],"data":null,"parameters":{"binary_data_size":32}}]}""");

        var answer = await BinaryTensorClient.SendAsync(host, "/v2/models/example-mlp/infer", [.. json, .. new byte[32]], json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{answer.Status} {answer.Json}");
        Assert.Contains("'inputs[0].data' is null", answer.Json!["error"]!.GetValue<string>());
    }
}
