using System.Runtime.InteropServices;
using MaaS.Models.Authoring;

namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

/// <summary>
/// Outputs that overflow or divide by zero: JSON has no literal for them, so they are written as Triton writes them
/// (the bare tokens <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> where the number goes), the same for every float
/// datatype; binary outputs carry the IEEE bits unchanged.
/// </summary>
public sealed class NonFiniteOutputTests
{
    private const string Path = "/v2/models/ratio/infer";

    // x / [0, 0, 0, 1]: for x = [1, -1, 0, 2] that is [+inf, -inf, NaN, 2] in FP32, then cast to FP64 and FP16.
    private static void WithRatio(TestRepository repository)
    {
        var builder = new OnnxGraphBuilder("ratio");
        builder.AddInput("x", OnnxElementType.Float, -1, 4);
        string divisor = builder.AddInitializer("divisor", OnnxTensor.FromFloats([0f, 0f, 0f, 1f], 4));
        builder.AddNode("Div", ["x", divisor], ["fp32"]);
        builder.AddNode("Cast", ["fp32"], ["fp64"], OnnxAttribute.Int("to", (long)OnnxElementType.Double));
        builder.AddNode("Cast", ["fp32"], ["fp16"], OnnxAttribute.Int("to", (long)OnnxElementType.Float16));
        builder.AddOutput("fp32", OnnxElementType.Float, -1, 4);
        builder.AddOutput("fp64", OnnxElementType.Double, -1, 4);
        builder.AddOutput("fp16", OnnxElementType.Float16, -1, 4);
        repository.WriteModel("ratio", 1, builder.ToBytes(), """{ "maxBatchSize": 8 }""");
    }

    [Fact]
    public async Task Infer_NonFiniteOutputs_BareTokensForEveryFloatType()
    {
        await using var host = GatewayHost.Start(WithRatio);
        using var content = new StringContent(V2Json.Infer("x", "FP32", [1, 4], new[] { 1f, -1f, 0f, 2f }), Encoding.UTF8, "application/json");

        using var response = await host.Client.PostAsync(Path, content, TestContext.Current.CancellationToken);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        foreach (string datatype in new[] { "FP32", "FP64", "FP16" })
        {
            string output = $$"""{"name":"{{datatype.ToLowerInvariant()}}","datatype":"{{datatype}}","shape":[1,4],"data":[Infinity,-Infinity,NaN,2]}""";
            Assert.True(text.Contains(output, StringComparison.Ordinal), $"expected {output} in {text}");
        }

        Assert.DoesNotContain("\"NaN\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Infinity\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_NonFiniteOutputsAsBinary_IeeeBitsUnchanged()
    {
        await using var host = GatewayHost.Start(WithRatio);
        byte[] json = Encoding.UTF8.GetBytes("""
            {"parameters":{"binary_data_output":true},"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[1,-1,0,2]}]}
            """);

        var answer = await BinaryTensorClient.SendAsync(host, Path, json, null);

        Assert.True(answer.Status == HttpStatusCode.OK, $"{answer.Status} {answer.Json}");
        Assert.Equal([float.PositiveInfinity, float.NegativeInfinity, float.NaN, 2f], answer.Floats("fp32"));
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity, double.NaN, 2.0], MemoryMarshal.Cast<byte, double>(answer.Blob("fp64")!.AsSpan()).ToArray());
        Assert.Equal([Half.PositiveInfinity, Half.NegativeInfinity, Half.NaN, (Half)2], MemoryMarshal.Cast<byte, Half>(answer.Blob("fp16")!.AsSpan()).ToArray());
    }
}
