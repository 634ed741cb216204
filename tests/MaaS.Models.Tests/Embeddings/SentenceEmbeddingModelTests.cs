using System.Numerics.Tensors;

namespace MaaS.Models.Tests.Embeddings;

/// <summary>The served transformer against the package's own encoder, on the real 91 MB model (loaded once for the class).</summary>
public sealed class SentenceEmbeddingModelTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private const float MinCosine = 0.9999f;

    /// <summary>
    /// 1,000 MR and Netflix texts (seeded sample among those both tokenizers read alike), each embedded by the package
    /// alone; ours alone (one request each) and in mixed-length batches of 50 (one request each, grouped by length
    /// inside): every pair has cosine ≥ 0.9999, and ours are unit vectors.
    /// </summary>
    [Fact]
    public async Task Embed_1000TextsAloneAndInMixedLengthBatches_EqualThePackageEncoder()
    {
        var tokenizer = Tokenizer();
        string[] texts = [.. EmbeddingTestData.Sample(1_400, seed: 17)
            .Where(t => fixture.PackageTokenizer.Encode(t)[0].InputIds.AsSpan().SequenceEqual(tokenizer.Encode(t, 512).Ids))
            .Take(1_000)];
        Assert.Equal(1_000, texts.Length);
        float[][] reference = [.. texts.Select(t => fixture.Package.Encode([t], TestContext.Current.CancellationToken)[0])];

        var alone = new float[texts.Length][];
        for (int i = 0; i < texts.Length; i++)
        {
            alone[i] = (await fixture.EmbedAsync([texts[i]]))[0];
        }

        var batched = new List<float[]>();
        foreach (string[] chunk in texts.Chunk(50))
        {
            batched.AddRange(await fixture.EmbedAsync(chunk));
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
        var tokenizer = Tokenizer();
        string[] texts = [.. EmbeddingTestData.Texts()
            .Where(t => !fixture.PackageTokenizer.Encode(t)[0].InputIds.AsSpan().SequenceEqual(tokenizer.Encode(t, 512).Ids))
            .Take(40)];
        var encoded = fixture.PackageTokenizer.Encode(texts);
        int width = encoded[0].InputIds.Length;
        long[] ids = [.. encoded.SelectMany(e => e.InputIds)];
        long[] mask = [.. encoded.SelectMany(e => e.AttentionMask)];

        var result = await fixture.Inference.InferAsync(MiniLmFixture.Name, null,
            new InferenceRequest([InferTensor.Int64("input_ids", ids, texts.Length, width), InferTensor.Int64("attention_mask", mask, texts.Length, width)]),
            TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.Error?.Message);
        var rows = MiniLmFixture.Rows((float[])result.Value!.Output(SentenceEmbeddingModel.EmbeddingOutput)!.Data, texts.Length);
        long[] tokens = (long[])result.Value.Output(SentenceEmbeddingModel.TokensOutput)!.Data;
        for (int i = 0; i < texts.Length; i++)
        {
            AssertSame(fixture.Package.Encode([texts[i]], TestContext.Current.CancellationToken)[0], rows[i], $"text {i} '{texts[i]}'");
            Assert.Equal(encoded[i].AttentionMask.Sum(), tokens[i]);
        }
    }

    [Fact]
    public async Task Embed_TextAndItsIds_GiveTheSameEmbedding()
    {
        var tokenizer = Tokenizer();
        const string text = "A lonely astronaut drifts between dying stars.";
        long[] ids = tokenizer.Encode(text, 256).Ids;

        var byText = (await fixture.EmbedAsync([text]))[0];
        var byIds = await fixture.Inference.InferAsync(MiniLmFixture.Name, null,
            new InferenceRequest([InferTensor.Int64("input_ids", ids, 1, ids.Length)], [SentenceEmbeddingModel.EmbeddingOutput]), TestContext.Current.CancellationToken);

        Assert.True(byIds.IsSuccess, byIds.Error?.Message);
        AssertSame(byText, (float[])byIds.Value!.Outputs[0].Data, text);
    }

    [Fact]
    public async Task Embed_SpaceOpera_CloserToScienceFictionThanToCooking()
    {
        var rows = await fixture.EmbedAsync(["a space opera", "science fiction adventure among the stars", "a cooking show"]);

        float scifi = TensorPrimitives.Dot(rows[0], rows[1]), cooking = TensorPrimitives.Dot(rows[0], rows[2]);
        Assert.True(scifi > cooking + 0.1f, $"space opera · sci-fi = {scifi}, · cooking = {cooking}");
    }

    [Fact]
    public async Task Run_HundredKilobyteText_CutAndSaidSo()
    {
        string text = string.Concat(Enumerable.Repeat("Space opera with dragons. ", 4_000));
        var result = await fixture.Inference.InferAsync(MiniLmFixture.Name, null,
            new InferenceRequest([InferTensor.Bytes("text", [text, "short"], 2)]), TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal([256L, 3L], (long[])result.Value!.Output(SentenceEmbeddingModel.TokensOutput)!.Data);
        Assert.Equal([true, false], (bool[])result.Value.Output(SentenceEmbeddingModel.TruncatedOutput)!.Data);
    }

    public static TheoryData<string, InferTensor[]> BadInputs => new()
    {
        { "text and ids", [InferTensor.Bytes("text", ["a"], 1), InferTensor.Int64("input_ids", [101, 102], 1, 2)] },
        { "id past the vocabulary", [InferTensor.Int64("input_ids", [101, 30_522, 102], 1, 3)] },
        { "negative id", [InferTensor.Int64("input_ids", [101, -1, 102], 1, 3)] },
        { "mask of no token", [InferTensor.Int64("input_ids", [101, 102], 1, 2), InferTensor.Int64("attention_mask", [0, 0], 1, 2)] },
        { "mask of another width", [InferTensor.Int64("input_ids", [101, 102], 1, 2), InferTensor.Int64("attention_mask", [1, 1, 1], 1, 3)] },
        { "mask value 2", [InferTensor.Int64("input_ids", [101, 102], 1, 2), InferTensor.Int64("attention_mask", [1, 2], 1, 2)] },
        { "mask alone", [InferTensor.Int64("attention_mask", [1, 1], 1, 2)] },
        { "ids past 256 tokens", [InferTensor.Int64("input_ids", new long[300], 1, 300)] },
        { "ids of no token", [InferTensor.Int64("input_ids", [], 1, 0)] },
        { "text as numbers", [InferTensor.Fp32("text", [1f], 1)] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Infer_BadInputs_InvalidRequest(string what, InferTensor[] inputs)
    {
        var result = await fixture.Inference.InferAsync(MiniLmFixture.Name, null, new InferenceRequest(inputs), TestContext.Current.CancellationToken);

        Assert.False(result.IsSuccess, what);
        Assert.True(result.Error!.Code == ErrorCode.InvalidRequest, $"{what}: {result.Error.Code} {result.Error.Message}");
    }

    private WordPieceTokenizer Tokenizer()
    {
        using var lease = fixture.Registry.Acquire(MiniLmFixture.Name).Value!;
        return ((SentenceEmbeddingModel)lease.Model).Tokenizer;
    }

    private static void AssertSame(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float cosine = TensorPrimitives.CosineSimilarity(expected, actual);
        Assert.True(cosine >= MinCosine, $"{what}: cosine {cosine} < {MinCosine}");
    }
}
