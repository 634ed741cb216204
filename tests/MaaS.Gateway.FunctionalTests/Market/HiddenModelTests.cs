namespace MaaS.Gateway.FunctionalTests.Market;

/// <summary>
/// Another tenant's private model must not exist for a caller, by any route: every answer about it equals the answer
/// about a model that never existed (the names aside), and publishing its card name works as for any free name.
/// </summary>
public sealed partial class HiddenModelTests
{
    /// <summary>Every route that names one model: method, path ({n} the model), body.</summary>
    public static readonly (string Method, string Path, string? Body)[] Routes =
    [
        ("GET", "/v1/models/{n}", null),
        ("GET", "/v2/models/{n}", null),
        ("GET", "/v2/models/{n}/ready", null),
        ("GET", "/v2/models/{n}/config", null),
        ("GET", "/v2/models/{n}/stats", null),
        ("GET", "/v2/models/{n}/versions/1", null),
        ("GET", "/v2/models/{n}/versions/1/ready", null),
        ("GET", "/v2/models/{n}/versions/1/stats", null),
        ("POST", "/v2/models/{n}/infer", SecureGateway.MlpInferBody),
        ("POST", "/v2/models/{n}/versions/1/infer", SecureGateway.MlpInferBody),
        ("POST", "/v2/repository/models/{n}/load", null),
        ("POST", "/v2/repository/models/{n}/unload", null),
        ("POST", "/v2/repository/models/{n}/versions/1/load", null),
        ("POST", "/v2/repository/models/{n}/versions/1/unload", null),
        ("POST", "/v2/repository/models/{n}/default", """{"version":1}"""),
        ("POST", "/v1/models/{n}/shares", """{"tenant":"initech"}"""),
        ("DELETE", "/v1/models/{n}/shares/initech", null),
        ("DELETE", "/v1/models/{n}", null),
    ];

    [Theory]
    [InlineData("acme")]
    [InlineData("operator")]
    public async Task EveryRoute_AnotherTenantsPrivateModel_AnsweredAsAModelThatNeverExisted(string caller)
    {
        await using var gateway = SecureGateway.Start();
        string globex = await gateway.CreateKeyAsync("globex", ["admin", "app"]);
        string key = caller == "operator" ? SecureGateway.BootstrapKey : await gateway.CreateKeyAsync(caller, ["admin", "app"]);
        string hidden = await gateway.PublishMlpAsync(globex, "secret");
        string never = hidden.Replace("secret", "nothing", StringComparison.Ordinal);

        foreach (var (method, path, json) in Routes)
        {
            var (hiddenStatus, hiddenText) = await CallAsync(gateway, method, path.Replace("{n}", hidden, StringComparison.Ordinal), key, json, hidden);
            var (neverStatus, neverText) = await CallAsync(gateway, method, path.Replace("{n}", never, StringComparison.Ordinal), key, json, never);

            Assert.True((neverStatus, neverText) == (hiddenStatus, hiddenText),
                $"{caller} {method} {path}: hidden model {hiddenStatus} {hiddenText}; no model {neverStatus} {neverText}");
            Assert.True(hiddenStatus is 404, $"{caller} {method} {path}: {hiddenStatus} {hiddenText}");
        }

        // Publishing the card name the other tenant holds answers as for a name nobody holds.
        var (heldStatus, heldText) = await PublishAsync(gateway, key, "secret");
        var (freeStatus, freeText) = await PublishAsync(gateway, key, "nothing");
        Assert.True((heldStatus, heldText.Replace("secret", "X", StringComparison.Ordinal)) == (freeStatus, freeText.Replace("nothing", "X", StringComparison.Ordinal)),
            $"{caller} publishing 'secret': {heldStatus} {heldText}; 'nothing': {freeStatus} {freeText}");
        Assert.Equal(201, heldStatus);

        var (_, list) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/models", key);
        var (_, index) = await gateway.SendJsonAsync(HttpMethod.Post, "/v2/repository/index", key);
        Assert.DoesNotContain(hidden, list!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(hidden, index!.ToJsonString(), StringComparison.Ordinal);
        using var owner = await gateway.SendAsync(HttpMethod.Post, $"/v2/models/{hidden}/infer", globex, SecureGateway.MlpInferBody);
        var (_, ownersView) = await gateway.SendJsonAsync(HttpMethod.Get, $"/v1/models/{hidden}", globex);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.Equal(("private", 1), (ownersView!["visibility"]!.GetValue<string>(), ownersView["versions"]!.AsArray().Count));
    }

    /// <summary>Status and body, the model's name in the body replaced by X and the per-request trace id by '-'.</summary>
    private static async Task<(int Status, string Body)> CallAsync(SecureGateway gateway, string method, string path, string key, string? json, string name)
    {
        using var response = await gateway.SendAsync(new HttpMethod(method), path, key, json);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, TraceId().Replace(text.Replace(name, "X", StringComparison.Ordinal), "\"traceId\":\"-\""));
    }

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();

    private static async Task<(int Status, string Body)> PublishAsync(SecureGateway gateway, string key, string name)
    {
        var (response, body) = await gateway.PublishAsync(key, ExampleMlp.BuildOnnx([16]), SecureGateway.MlpCard(name, "private"));
        return ((int)response.StatusCode, body?.ToJsonString() ?? string.Empty);
    }
}
