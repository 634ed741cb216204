using System.Numerics.Tensors;

namespace MaaS.Models.Tests.Embeddings;

/// <summary>
/// A served packaged encoder against the package's own encoder, on the real model (loaded once per derived class):
/// the same 1,000 texts embedded alone and in mixed-length batches, and the package's own token ids sent as ids.
/// </summary>
public abstract class PackagedEncoderParityTests<TFixture>(TFixture fixture) where TFixture : PackagedEncoderFixture
{
    protected TFixture Fixture { get; } = fixture;

    protected const float MinCosine = 0.9999f;

    /// <summary>
    /// 1,000 MR and Netflix texts (seeded sample among those both tokenizers read alike), each embedded by the package
    /// alone; ours alone (one request each) and in mixed-length batches of 50 (one request each, grouped by length
    /// inside): every pair has cosine ≥ 0.9999, and ours are unit vectors.
    /// </summary>
    [Fact]
    public async Task Embed_1000TextsAloneAndInMixedLengthBatches_EqualThePackageEncoder()
    {
        var tokenizer = Fixture.Tokenizer();
        string[] texts = [.. EmbeddingTestData.Sample(1_400, seed: 17)
            .Where(t => Fixture.PackageTokenizer.Encode(t)[0].InputIds.AsSpan().SequenceEqual(tokenizer.Encode(t, 512).Ids))
            .Take(1_000)];
        Assert.Equal(1_000, texts.Length);
        float[][] reference = [.. texts.Select(t => Fixture.Package.Encode([t], TestContext.Current.CancellationToken)[0])];

        var alone = new float[texts.Length][];
        for (int i = 0; i < texts.Length; i++)
        {
            alone[i] = (await Fixture.EmbedAsync([texts[i]]))[0];
        }

        var batched = new List<float[]>();
        foreach (string[] chunk in texts.Chunk(50))
        {
            batched.AddRange(await Fixture.EmbedAsync(chunk));
        }

        for (int i = 0; i < texts.Length; i++)
        {
            AssertSame(reference[i], alone[i], $"alone, text {i} '{texts[i]}'");
            AssertSame(reference[i], batched[i], $"batched, text {i} '{texts[i]}'");
            Assert.InRange(TensorPrimitives.Norm(batched[i]), 0.9999f, 1.0001f);
        }
    }

    /// <summary>
    /// Where the tokenizers differ, the encoder still matches: the package's own ids, sent as <c>input_ids</c> rows of
    /// different lengths with their <c>attention_mask</c>, give the package's embeddings.
    /// </summary>
    [Fact]
    public async Task Embed_PackageTokenIdsInOnePaddedRequest_EqualThePackageEncoder()
    {
        var tokenizer = Fixture.Tokenizer();
        string[] texts = [.. EmbeddingTestData.Texts()
            .Where(t => !Fixture.PackageTokenizer.Encode(t)[0].InputIds.AsSpan().SequenceEqual(tokenizer.Encode(t, 512).Ids))
            .Take(40)];
        var encoded = Fixture.PackageTokenizer.Encode(texts);
        int width = encoded[0].InputIds.Length;
        long[] ids = [.. encoded.SelectMany(e => e.InputIds)];
        long[] mask = [.. encoded.SelectMany(e => e.AttentionMask)];

        var result = await Fixture.Inference.InferAsync(Fixture.Name, null,
            new InferenceRequest([InferTensor.Int64("input_ids", ids, texts.Length, width), InferTensor.Int64("attention_mask", mask, texts.Length, width)]),
            TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.Error?.Message);
        var rows = PackagedEncoderFixture.Rows((float[])result.Value!.Output(SentenceEmbeddingModel.EmbeddingOutput)!.Data, texts.Length);
        long[] tokens = (long[])result.Value.Output(SentenceEmbeddingModel.TokensOutput)!.Data;
        for (int i = 0; i < texts.Length; i++)
        {
            AssertSame(Fixture.Package.Encode([texts[i]], TestContext.Current.CancellationToken)[0], rows[i], $"text {i} '{texts[i]}'");
            Assert.Equal(encoded[i].AttentionMask.Sum(), tokens[i]);
        }
    }

    protected static void AssertSame(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float cosine = TensorPrimitives.CosineSimilarity(expected, actual);
        Assert.True(cosine >= MinCosine, $"{what}: cosine {cosine} < {MinCosine}");
    }
}
