using System.Numerics.Tensors;

namespace MaaS.Models.Tests.Embeddings;

/// <summary>The served all-minilm-l6-v2 against the package's own encoder, on the real 91 MB model (loaded once for the class).</summary>
public sealed class SentenceEmbeddingModelTests(MiniLmFixture fixture) : PackagedEncoderParityTests<MiniLmFixture>(fixture), IClassFixture<MiniLmFixture>
{
    [Fact]
    public async Task Embed_TextAndItsIds_GiveTheSameEmbedding()
    {
        var tokenizer = Fixture.Tokenizer();
        const string text = "A lonely astronaut drifts between dying stars.";
        long[] ids = tokenizer.Encode(text, 256).Ids;

        var byText = (await Fixture.EmbedAsync([text]))[0];
        var byIds = await Fixture.Inference.InferAsync(MiniLmFixture.Name, null,
            new InferenceRequest([InferTensor.Int64("input_ids", ids, 1, ids.Length)], [SentenceEmbeddingModel.EmbeddingOutput]), TestContext.Current.CancellationToken);

        Assert.True(byIds.IsSuccess, byIds.Error?.Message);
        AssertSame(byText, (float[])byIds.Value!.Outputs[0].Data, text);
    }

    [Fact]
    public void Embed_GroupsSplitAndRunConcurrently_EqualGroupsOneAfterAnother()
    {
        // Whatever the cores, the concurrent path runs here: 64 mixed texts in 16 pieces, 4 runs at once.
        var tokenizer = Fixture.Tokenizer();
        TokenRow[] rows = [.. EmbeddingTestData.Sample(64, seed: 23).Select(t => tokenizer.Encode(t, 256)).Select(e => new TokenRow(e.Ids, null, e.Ids.Length, e.Truncated))];
        using var lease = Fixture.Registry.Acquire(MiniLmFixture.Name).Value!;
        var model = (SentenceEmbeddingModel)lease.Model;
        var sequential = SentenceEmbeddingModel.Plan(rows);
        var pieces = SentenceEmbeddingModel.Plan(rows, pieces: 16);
        Assert.True(pieces.Count >= 16 && sequential.Count < pieces.Count, $"{sequential.Count} groups, {pieces.Count} pieces");

        float[][] expected = PackagedEncoderFixture.Rows(model.Embed(rows, sequential, 1, out _), rows.Length);
        float[][] actual = PackagedEncoderFixture.Rows(model.Embed(rows, pieces, 4, out var timings), rows.Length);

        for (int i = 0; i < rows.Length; i++)
        {
            AssertSame(expected[i], actual[i], $"row {i}");
        }

        Assert.True(timings.Infer > TimeSpan.Zero);
    }

    [Fact]
    public void Embed_ShortQueriesAsServed_OneRunAndEqualOneRunPerQuery()
    {
        // Eight search queries merged by the batcher: as served they stay one group (pieces of under
        // MinCellsPerPiece word pieces cost more in runs than they save), and padding them together changes no embedding.
        var tokenizer = Fixture.Tokenizer();
        string[] queries = ["space opera", "a cooking show", "Interstellar but funnier", "dragons", "true crime in Norway", "heist", "anime about baseball", "slow romance in Paris"];
        TokenRow[] rows = [.. queries.Select(t => tokenizer.Encode(t, 256)).Select(e => new TokenRow(e.Ids, null, e.Ids.Length, e.Truncated))];
        using var lease = Fixture.Registry.Acquire(MiniLmFixture.Name).Value!;
        var model = (SentenceEmbeddingModel)lease.Model;

        var served = SentenceEmbeddingModel.Plan(rows, pieces: 4, minCellsPerPiece: SentenceEmbeddingModel.MinCellsPerPiece);
        Assert.Single(served);
        Assert.Equal(4, SentenceEmbeddingModel.Plan(rows, pieces: 4).Count);

        float[][] alone = PackagedEncoderFixture.Rows(model.Embed(rows, [.. Enumerable.Range(0, rows.Length).Select(i => new[] { i })], 1, out _), rows.Length);
        float[][] merged = PackagedEncoderFixture.Rows(model.Embed(rows, out _), rows.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            AssertSame(alone[i], merged[i], queries[i]);
        }
    }

    [Fact]
    public async Task Embed_SpaceOpera_CloserToScienceFictionThanToCooking()
    {
        var rows = await Fixture.EmbedAsync(["a space opera", "science fiction adventure among the stars", "a cooking show"]);

        float scifi = TensorPrimitives.Dot(rows[0], rows[1]), cooking = TensorPrimitives.Dot(rows[0], rows[2]);
        Assert.True(scifi > cooking + 0.1f, $"space opera · sci-fi = {scifi}, · cooking = {cooking}");
    }

    [Fact]
    public async Task Run_HundredKilobyteText_CutAndSaidSo()
    {
        string text = string.Concat(Enumerable.Repeat("Space opera with dragons. ", 4_000));
        var result = await Fixture.Inference.InferAsync(MiniLmFixture.Name, null,
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
        var result = await Fixture.Inference.InferAsync(MiniLmFixture.Name, null, new InferenceRequest(inputs), TestContext.Current.CancellationToken);

        Assert.False(result.IsSuccess, what);
        Assert.True(result.Error!.Code == ErrorCode.InvalidRequest, $"{what}: {result.Error.Code} {result.Error.Message}");
    }
}
