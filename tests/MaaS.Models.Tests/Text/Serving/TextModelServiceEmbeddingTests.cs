using MaaS.Models.Text.Serving;

namespace MaaS.Models.Tests.Text.Serving;

/// <summary>Content tags v2 served: the service embeds each text with the model's own encoder and appends it.</summary>
public sealed class TextModelServiceEmbeddingTests
{
    [Fact]
    public async Task PredictAsync_ModelWithEmbedding_EqualsTheModelOnNgramsPlusTheServedEmbedding()
    {
        var settings = new TextFeaturizerSettings { Buckets = 1 << 10, EmbeddingModel = EmbeddingService.DefaultModel, EmbeddingVersion = 1, EmbeddingDimensions = 384, EmbeddingScale = 4f };
        var rng = new Random(17);
        var table = new float[settings.FeatureSpace * 3];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        var model = new LinearTextModel(settings, ["space", "food", "crime"], TextModelActivation.Sigmoid, table, [0.1f, -0.2f, 0f]);
        using var repo = new TestRepository().WithShippedModel(EmbeddingService.DefaultModel);
        repo.WriteModel("tags-v2", 1, model.ToOnnx("tags-v2"), """{"task":"tagging","format":"onnx"}""");
        await using var registry = await Registries.LoadWithEncodersAsync(repo.Root);
        var inference = Registries.Inference(registry);
        var embeddings = new EmbeddingService(registry, inference);
        string[] texts = ["Robots drift through a dying galaxy.", "Two chefs compete for a restaurant.", "A detective hunts a killer in Oslo."];

        var result = await new TextModelService(registry, embeddings).PredictAsync("tags-v2", null, texts, withTerms: true, TestContext.Current.CancellationToken);
        var refused = await new TextModelService(registry).PredictAsync("tags-v2", null, texts, withTerms: false, TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.Error?.Message);
        var vectors = (await embeddings.EmbedAsync(EmbeddingService.DefaultModel, 1, texts, null, TestContext.Current.CancellationToken)).Value!;
        for (int i = 0; i < texts.Length; i++)
        {
            float[] expected = model.Predict(model.Featurizer.Featurize(texts[i]).WithEmbedding(vectors[i].Span, settings));
            float[] actual = result.Value!.Items[i].Probabilities;
            Assert.True(expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) <= 1e-5), $"text {i}: expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}]");
            Assert.Equal(texts[i].Length > 0 ? 384 : 0, result.Value.Items[i].Features.Ids.Count(id => id >= settings.Buckets));
        }

        Assert.Equal(ErrorCode.Unsupported, refused.Error?.Code);
    }
}
