using System.Security.Cryptography;
using MaaS.Models.Authoring;

namespace MaaS.Gateway.FunctionalTests.Market;

public sealed class PublishTests
{
    [Fact]
    public async Task Publish_ValidModelTwice_Versions1And2ServeAndFilesInPlace()
    {
        await using var gateway = SecureGateway.Start();
        string admin = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        byte[] onnx = ExampleMlp.BuildOnnx();

        var (first, firstBody) = await gateway.PublishAsync(admin, onnx, SecureGateway.MlpCard("churn", "private"));
        var (second, secondBody) = await gateway.PublishAsync(admin, onnx, SecureGateway.MlpCard("churn", "public"));
        using var v1 = await gateway.SendAsync(HttpMethod.Post, "/v2/models/acme.churn/versions/1/infer", admin, SecureGateway.MlpInferBody);
        var (latest, latestBody) = await gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/acme.churn/infer", admin, SecureGateway.MlpInferBody);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("/v1/models/acme.churn", first.Headers.Location?.OriginalString);
        Assert.Equal(("acme.churn", "acme"), (firstBody!["name"]!.GetValue<string>(), firstBody["owner"]!.GetValue<string>()));
        Assert.Equal(1, firstBody["version"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(2, secondBody!["version"]!.GetValue<long>());
        Assert.Equal("public", secondBody["visibility"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, v1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, latest.StatusCode);
        Assert.Equal("2", latestBody!["model_version"]!.GetValue<string>());
        string folder = Path.Combine(gateway.Host.PublishedDirectory, "acme.churn");
        Assert.Equal(onnx, File.ReadAllBytes(Path.Combine(folder, "2", "model.onnx")));
        Assert.Contains("\"accuracy\"", File.ReadAllText(Path.Combine(folder, "2", "card.json")));
        Assert.Contains("\"tenant:acme\"", File.ReadAllText(Path.Combine(folder, "model.json")));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(gateway.Host.PublishedDirectory), p => Path.GetFileName(p).StartsWith('.'));
        Assert.False(Directory.Exists(Path.Combine(gateway.Repository.Root, "acme.churn")), "published into the bundled repository");
    }

    public static TheoryData<string> HostileUploads() => new()
    {
        "not-onnx", "truncated", "huge", "traversal-name", "upper-case-name", "labels-disagree", "inputs-disagree",
        "card-not-json", "card-not-object", "card-missing", "model-missing", "external-data", "external-data-in-training-info",
        "dimension-2^62", "bad-visibility", "visibility-7", "visibility-minus-1", "visibility-2", "visibility-flags", "deep-card",
        "name-in-operator-folder",
    };

    [Theory]
    [MemberData(nameof(HostileUploads))]
    public async Task Publish_HostileUpload_RefusedWithClearMessageAndNothingChanges(string attack)
    {
        // acme.bundled: a folder the operator put in acme's namespace, the one name acme can find taken (every tenant sees it).
        await using var gateway = SecureGateway.Start(
            r => r.WithExampleMlp().WithMlpNamed("acme.bundled", """{ "task": "classification" }""", 1),
            new Dictionary<string, string?> { ["Auth:Limits:MaxUploadBytes"] = (64 * 1024).ToString(CultureInfo.InvariantCulture) });
        string acme = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        string globex = await gateway.CreateKeyAsync("globex", ["admin", "app"]);
        byte[] onnx = ExampleMlp.BuildOnnx([16]); // 1 KB: the valid upload must fit under this test's 64 KiB limit

        await gateway.PublishMlpAsync(globex, "globex-model", "public");
        var before = FolderSnapshot.Of(gateway.Repository.Root, gateway.Host.PublishedDirectory);

        var (response, body) = attack switch
        {
            "not-onnx" => await gateway.PublishAsync(acme, RandomNumberGenerator.GetBytes(4096), SecureGateway.MlpCard("x1")),
            "truncated" => await gateway.PublishAsync(acme, onnx[..(onnx.Length / 2)], SecureGateway.MlpCard("x1")),
            "huge" => await gateway.PublishAsync(acme, [.. onnx, .. new byte[200 * 1024]], SecureGateway.MlpCard("x1")),
            "traversal-name" => await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("../../evil")),
            "upper-case-name" => await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("Evil")),
            "labels-disagree" => await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("x1", labels: ["yes", "no"])),
            "inputs-disagree" => await gateway.PublishAsync(acme, onnx, """{"name":"x1","task":"classification","inputs":["pixels"]}"""),
            "card-not-json" => await gateway.PublishAsync(acme, onnx, "{name: x1"),
            "card-not-object" => await gateway.PublishAsync(acme, onnx, "[1,2,3]"),
            "card-missing" => await PostFormAsync(gateway, acme, onnx, card: null),
            "model-missing" => await PostFormAsync(gateway, acme, onnx: null, SecureGateway.MlpCard("x1")),
            "external-data" => await gateway.PublishAsync(acme, [.. onnx, .. ExternalDataGraph()], SecureGateway.MlpCard("x1")),
            "external-data-in-training-info" => await gateway.PublishAsync(acme, [.. onnx, .. ExternalDataTrainingInfo()], SecureGateway.MlpCard("x1")),
            "dimension-2^62" => await gateway.PublishAsync(acme, HugeDimensionModel(), """{"name":"x1","task":"identity"}"""),
            "bad-visibility" => await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("x1", visibility: "everyone")),
            "visibility-7" => await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("x1", visibility: "7")),
            "visibility-minus-1" => await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("x1", visibility: "-1")),
            "visibility-2" => await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("x1", visibility: "2")),
            "visibility-flags" => await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("x1", visibility: "Private, Public")),
            "name-in-operator-folder" => await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("bundled")),
            "deep-card" => await gateway.PublishAsync(acme, onnx, """{"name":"x1","task":"t","deep":""" + new string('[', 100) + new string(']', 100) + "}"),
            _ => throw new ArgumentOutOfRangeException(nameof(attack)),
        };

        string expectedFragment = attack switch
        {
            "not-onnx" or "truncated" => "not a loadable ONNX model",
            "huge" => "larger than",
            "traversal-name" or "upper-case-name" => "card.name must be 1-64 of [a-z0-9-_]",
            "labels-disagree" => "card has 2 labels but output 'logits' has 3 classes",
            "inputs-disagree" => "card.inputs [pixels] do not match the model's inputs [input]",
            "card-not-json" or "deep-card" => "card is not valid JSON",
            "card-not-object" => "card must be a JSON object",
            "card-missing" => "'card'",
            "model-missing" => "'model'",
            "external-data" or "external-data-in-training-info" => "the model references external tensor data; upload a self-contained .onnx file",
            "dimension-2^62" => "input 'x' declares dimension 1 as 4611686018427387904; a dimension must be 0..2147483647 or symbolic",
            "bad-visibility" or "visibility-7" or "visibility-minus-1" or "visibility-2" or "visibility-flags" => "card.visibility must be private, tenant or public",
            "name-in-operator-folder" => "the model name 'acme.bundled' is taken",
            _ => "?",
        };
        int expectedStatus = attack switch { "huge" => 413, "name-in-operator-folder" => 409, _ => 400 };
        Assert.True(expectedStatus == (int)response.StatusCode, $"{attack}: {(int)response.StatusCode} {body}");
        Assert.Contains(expectedFragment, body!["detail"]!.GetValue<string>());
        Assert.Equal(before, FolderSnapshot.Of(gateway.Repository.Root, gateway.Host.PublishedDirectory));
        using var bundled = await gateway.SendAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", acme, SecureGateway.MlpInferBody);
        using var other = await gateway.SendAsync(HttpMethod.Post, "/v2/models/globex.globex-model/infer", acme, SecureGateway.MlpInferBody);
        var (_, listing) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/models", acme);
        Assert.Equal(HttpStatusCode.OK, bundled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(["acme.bundled", "example-mlp", "globex.globex-model"], listing!.AsArray().Select(m => m!["name"]!.GetValue<string>()).Order());
        var (_, owner) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/models/globex.globex-model", globex);
        Assert.Equal("globex", owner!["owner"]!.GetValue<string>());
        Assert.Equal("public", owner["visibility"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_OwnersAdmin_FolderListingAndServingGone()
    {
        await using var gateway = SecureGateway.Start();
        string admin = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        await gateway.PublishMlpAsync(admin, "gone", "public");

        using var deleted = await gateway.SendAsync(HttpMethod.Delete, "/v1/models/acme.gone", admin);
        using var infer = await gateway.SendAsync(HttpMethod.Post, "/v2/models/acme.gone/infer", admin, SecureGateway.MlpInferBody);
        var (again, againBody) = await gateway.PublishAsync(admin, ExampleMlp.BuildOnnx(), SecureGateway.MlpCard("gone"));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, infer.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(1, againBody!["version"]!.GetValue<long>());
    }

    /// <summary>A ModelProto fragment (graph with an initializer stored in an external file outside the upload).</summary>
    private static byte[] ExternalDataGraph()
    {
        byte[] location = Encoding.ASCII.GetBytes("../../etc/passwd");
        byte[] entry = [0x0A, 8, .. "location"u8, 0x12, (byte)location.Length, .. location];
        byte[] tensor = [0x42, 1, (byte)'w', 0x70, 1, 0x6A, (byte)entry.Length, .. entry];
        byte[] graph = [0x2A, (byte)tensor.Length, .. tensor];
        return [0x3A, (byte)graph.Length, .. graph];
    }

    /// <summary>
    /// A ModelProto fragment: training_info (field 20) whose initialization graph has an initializer stored in a file.
    /// ONNX Runtime loads the model and ignores training_info, so only the upload scan can refuse it.
    /// </summary>
    private static byte[] ExternalDataTrainingInfo()
    {
        byte[] graph = ExternalDataGraph()[2..]; // GraphProto bytes (without ModelProto.graph's tag and length)
        byte[] trainingInfo = [0x0A, (byte)graph.Length, .. graph];
        return [0xA2, 0x01, (byte)trainingInfo.Length, .. trainingInfo];
    }

    /// <summary>y = Identity(x) with x and y declared float [N, 2^62].</summary>
    private static byte[] HugeDimensionModel()
    {
        var graph = new OnnxGraphBuilder("huge").AddInput("x", OnnxElementType.Float, -1, 1L << 62);
        graph.AddNode("Identity", ["x"], ["y"]);
        graph.AddOutput("y", OnnxElementType.Float, -1, 1L << 62);
        return graph.ToBytes();
    }

    private static async Task<(HttpResponseMessage Response, System.Text.Json.Nodes.JsonNode? Body)> PostFormAsync(SecureGateway gateway, string key, byte[]? onnx, string? card)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/models");
        SecureGateway.Authorize(request, key, apiKeyHeader: false);
        var form = new MultipartFormDataContent();
        if (onnx is not null)
        {
            form.Add(new ByteArrayContent(onnx), "model", "model.onnx");
        }

        if (card is not null)
        {
            form.Add(new StringContent(card), "card");
        }

        form.Add(new StringContent("x"), "other");
        request.Content = form;
        var response = await gateway.Client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response, System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
    }
}
