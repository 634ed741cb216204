using MaaS.Models.Text.Serving;

namespace MaaS.Models.Tests.Text.Serving;

public sealed class TextModelServiceTests
{
    /// <summary>
    /// 64 MR sentences and one long review in one call: every answer is the C# twin's, within 1e-6 of an ONNX Runtime
    /// run of the same file, and nothing goes through the registry's batcher.
    /// </summary>
    [Fact]
    public async Task PredictAsync_MrSentencesAndOneLongText_TwinAnswersEqualOnnxRuntime()
    {
        string mr = TextTestData.MovieReviewsOrSkip();
        var sentences = MovieReviewCorpus.Load(mr).Examples.Select(e => e.Text).ToList();
        List<string> texts = [.. sentences.Take(64), string.Join(' ', sentences.Skip(64).Take(30))];
        using var repo = new TestRepository().WithShippedModel("sentiment");
        await using var registry = await Registries.LoadAsync(repo.Root);
        var service = new TextModelService(registry);

        var result = await service.PredictAsync("sentiment", null, texts, withTerms: false, TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.Error?.Message);
        var profile = result.Value!.Profile;
        var rows = texts.Select(t => profile.Featurizer.Featurize(t)).ToArray();
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(Path.Combine(repo.Root, "sentiment", "1", TextModelRepository.OnnxFileName));
        float[] ort = Modeling.OrtRunner.Run(session, profile.Featurizer.Pad(rows));
        for (int i = 0; i < texts.Count; i++)
        {
            float[] actual = result.Value.Items[i].Probabilities;
            Assert.Equal(profile.Model.Predict(texts[i]), actual);
            Assert.True(Math.Abs(ort[i * 2 + 1] - actual[1]) <= 1e-6, $"text {i}: ORT {ort[i * 2 + 1]}, served {actual[1]}");
            Assert.Equal(rows[i].TokenCount, result.Value.Items[i].Features.TokenCount);
        }

        Assert.Equal(0, registry.GetModel("sentiment")!.FindVersion(1)!.Statistics!.Snapshot().ExecutionCount);
    }

    /// <summary>
    /// The service caches one profile per load of a version: unloading drops it, and three unload/reload cycles leave
    /// one profile (the latest load's, read again), not one per load.
    /// </summary>
    [Fact]
    public async Task Resolve_VersionUnloadedAndReloaded_KeepsOnlyTheCurrentLoadsProfile()
    {
        var ct = TestContext.Current.CancellationToken;
        using var repo = new TestRepository().WithShippedModel("sentiment");
        await using var registry = await Registries.LoadAsync(repo.Root);
        var service = new TextModelService(registry);
        var previous = service.Resolve("sentiment", 1);
        Assert.True(previous.IsSuccess, previous.Error?.Message);
        Assert.Equal(1, service.CachedProfiles);

        for (int cycle = 0; cycle < 3; cycle++)
        {
            Assert.True((await registry.UnloadVersionAsync("sentiment", 1, ct)).IsSuccess);
            Assert.Equal(ErrorCode.ModelNotReady, service.Resolve("sentiment", 1).Error?.Code);
            Assert.Equal(0, service.CachedProfiles);

            Assert.True((await registry.LoadVersionAsync("sentiment", 1, ct)).IsSuccess);
            var reloaded = service.Resolve("sentiment", 1);
            Assert.True(reloaded.IsSuccess, reloaded.Error?.Message);
            Assert.NotSame(previous.Value, reloaded.Value);
            Assert.Same(reloaded.Value, service.Resolve("sentiment", null).Value);
            Assert.Equal(1, service.CachedProfiles);
            previous = reloaded;
        }
    }
}
