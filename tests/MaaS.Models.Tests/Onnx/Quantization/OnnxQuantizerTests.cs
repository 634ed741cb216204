using System.Numerics.Tensors;
using MaaS.Models.Onnx.Quantization;
using MaaS.Models.Tests.Embeddings;

namespace MaaS.Models.Tests.Onnx.Quantization;

public sealed class OnnxQuantizerTests
{
    [Fact]
    public void Quantize_MatMulAndGemmWithBiasAndAlpha_OutputsWithinInt8ErrorOfFp32()
    {
        var random = new Random(17);
        byte[] model = MatMulGemmModel(random, out float[] w1);

        var quantized = OnnxQuantizer.Quantize(model);

        Assert.True(quantized.IsSuccess, quantized.Error?.Message);
        Assert.Equal(2, quantized.Value.Nodes);
        Assert.Equal(2, quantized.Value.Weights);
        Assert.Equal(4L * ((6 * 5) + (4 * 5)), quantized.Value.FloatWeightBytes);
        float[] input = [.. Enumerable.Range(0, 3 * 6).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] expected = Run(model, input, 3);
        float[] actual = Run(quantized.Value.Model, input, 3);
        Assert.Equal(expected.Length, actual.Length);
        float scale = TensorPrimitives.MaxMagnitude(expected);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 0.03f * scale, $"output {i}: int8 {actual[i]} vs fp32 {expected[i]} (largest |y| {scale})");
        }

        string text = Encoding.Latin1.GetString(quantized.Value.Model);
        Assert.Contains("MatMulInteger", text);
        Assert.Contains("DynamicQuantizeLinear", text);
        // The FP32 weight is gone once nothing reads it.
        Assert.Equal(-1, quantized.Value.Model.AsSpan().IndexOf(System.Runtime.InteropServices.MemoryMarshal.AsBytes(w1.AsSpan())));
        Assert.NotEqual(-1, model.AsSpan().IndexOf(System.Runtime.InteropServices.MemoryMarshal.AsBytes(w1.AsSpan())));
    }

    [Fact]
    public void Quantize_AlreadyQuantized_Refused()
    {
        var once = OnnxQuantizer.Quantize(MatMulGemmModel(new Random(3), out _));

        var twice = OnnxQuantizer.Quantize(once.Value.Model);

        Assert.Equal(ErrorCode.InvalidRequest, twice.Error?.Code);
        Assert.Contains("quantised already", twice.Error!.Message);
    }

    [Fact]
    public void Quantize_MatMulOfTwoInputsOnly_RefusedAsNothingToQuantize()
    {
        var builder = new OnnxGraphBuilder("two-inputs");
        builder.AddInput("a", OnnxElementType.Float, -1, 4);
        builder.AddInput("b", OnnxElementType.Float, 4, 3);
        builder.AddNode("MatMul", ["a", "b"], ["y"]);
        builder.AddOutput("y", OnnxElementType.Float, -1, 3);

        var result = OnnxQuantizer.Quantize(builder.ToBytes());

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Contains("nothing to quantise", result.Error!.Message);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x3A, 0x7F, 0x01 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF })]
    public void Quantize_NotOnnx_RefusedWithout500(byte[] bytes)
    {
        var result = OnnxQuantizer.Quantize(bytes);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
    }

    [Fact]
    public void Int8Weights_TransposedAndPlain_SameValuesAndScalesPerOutputChannel()
    {
        var random = new Random(5);
        const int k = 7, n = 3;
        float[] plain = [.. Enumerable.Range(0, k * n).Select(_ => (float)((random.NextDouble() * 4) - 2))];
        float[] transposed = new float[k * n];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < n; j++)
            {
                transposed[(j * k) + i] = plain[(i * n) + j];
            }
        }

        var a = Int8Weights.Quantize(plain, k, n, transposed: false);
        var b = Int8Weights.Quantize(transposed, k, n, transposed: true);

        Assert.Equal(a.Values, b.Values);
        Assert.Equal(a.Scales, b.Scales);
        for (int j = 0; j < n; j++)
        {
            float max = Enumerable.Range(0, k).Max(i => MathF.Abs(plain[(i * n) + j]));
            Assert.Equal(max / 127f, a.Scales[j], 6);
            Assert.Contains(Enumerable.Range(0, k), i => Math.Abs(a.Values[(i * n) + j]) == 127);
        }
    }

    /// <summary>
    /// The shipped transformer, quantised as the market does by default, served beside its FP32 version: every
    /// embedding of a mixed sample of MR sentences and Netflix descriptions within cosine 0.99 of FP32's, and the file
    /// under 80 % of the original's size.
    /// </summary>
    [Fact]
    public async Task Quantize_MiniLm_EmbeddingsAgreeWithFp32()
    {
        using var repository = new TestRepository().WithShippedModel(MiniLmFixture.Name);
        string v1 = Path.Combine(repository.Root, MiniLmFixture.Name, "1");
        byte[] fp32 = await File.ReadAllBytesAsync(Path.Combine(v1, "model.onnx"), TestContext.Current.CancellationToken);
        var quantized = OnnxQuantizer.Quantize(fp32, OnnxQuantizer.SkipDownProjections);
        Assert.True(quantized.IsSuccess, quantized.Error?.Message);
        Assert.True(quantized.Value.Model.Length < 0.8 * fp32.Length, $"{quantized.Value.Model.Length} of {fp32.Length} bytes");
        Assert.True(quantized.Value.Nodes >= 30, $"{quantized.Value.Nodes} nodes quantised (6 layers × Q, K, V, attention output, FFN up)");
        string v2 = Path.Combine(repository.Root, MiniLmFixture.Name, "2");
        Directory.CreateDirectory(v2);
        File.Copy(Path.Combine(v1, "card.json"), Path.Combine(v2, "card.json"));
        File.Copy(Path.Combine(v1, "vocab.txt"), Path.Combine(v2, "vocab.txt"));
        await File.WriteAllBytesAsync(Path.Combine(v2, "model.onnx"), quantized.Value.Model, TestContext.Current.CancellationToken);
        await using var registry = await Registries.LoadWithEncodersAsync(repository.Root);
        var inference = Registries.Inference(registry);
        string[] texts = EmbeddingTestData.Sample(96, seed: 9);

        float[] a = await EmbedAsync(inference, 1, texts);
        float[] b = await EmbedAsync(inference, 2, texts);

        for (int i = 0; i < texts.Length; i++)
        {
            float cosine = TensorPrimitives.CosineSimilarity(a.AsSpan(i * 384, 384), b.AsSpan(i * 384, 384));
            Assert.True(cosine >= 0.99f, $"cosine {cosine} for \"{texts[i]}\"");
        }
    }

    private static async Task<float[]> EmbedAsync(ModelInference inference, long version, string[] texts)
    {
        var result = await inference.InferAsync(MiniLmFixture.Name, version,
            new InferenceRequest([InferTensor.Bytes(SentenceEmbeddingModel.TextInput, texts, texts.Length)], [SentenceEmbeddingModel.EmbeddingOutput]),
            TestContext.Current.CancellationToken);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return (float[])result.Value!.Outputs[0].Data;
    }

    /// <summary>x [N, 6] → MatMul(w1 [6, 5]) → h → Gemm(h, w2 [4, 5], c [4], transB, alpha 0.5) → y [N, 4].</summary>
    private static byte[] MatMulGemmModel(Random random, out float[] w1Values)
    {
        float[] Values(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        var builder = new OnnxGraphBuilder("q");
        builder.AddInput("x", OnnxElementType.Float, -1, 6);
        w1Values = Values(30);
        string w1 = builder.AddInitializer("w1_fp32", OnnxTensor.FromFloats(w1Values, 6, 5));
        string w2 = builder.AddInitializer("w2", OnnxTensor.FromFloats(Values(20), 4, 5));
        string c = builder.AddInitializer("c", OnnxTensor.FromFloats(Values(4), 4));
        builder.AddNode("MatMul", ["x", w1], ["h"]);
        builder.AddNode("Gemm", ["h", w2, c], ["y"], OnnxAttribute.Int("transB", 1), OnnxAttribute.Float("alpha", 0.5f));
        builder.AddOutput("y", OnnxElementType.Float, -1, 4);
        return builder.ToBytes();
    }

    private static float[] Run(byte[] model, float[] input, int rows)
    {
        using var session = new InferenceSession(model);
        using var x = OrtValue.CreateTensorValueFromMemory(input, [rows, input.Length / rows]);
        using var options = new RunOptions();
        using var results = session.Run(options, ["x"], [x], ["y"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
