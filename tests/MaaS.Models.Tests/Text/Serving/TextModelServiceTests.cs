using System.Text.Json.Nodes;
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
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(Path.Combine(repo.Root, "sentiment", "1", RepositoryFiles.Onnx));
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
    /// /v1/sentiment and /v1/classify score through <see cref="TextModelService.ScoreAsync"/> (featurize and score in one
    /// pass per text, no features kept): on every MR sentence, in calls of the largest size, the same label, the same
    /// probabilities within 1e-5, tokens and truncation as <see cref="TextModelService.PredictAsync"/> gave them.
    /// </summary>
    [Fact]
    public async Task ScoreAsync_EveryMrSentence_SameLabelsAndScoresAsPredictAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var sentences = MovieReviewCorpus.Load(TextTestData.MovieReviewsOrSkip()).Examples.Select(e => e.Text).ToList();
        using var repo = new TestRepository().WithShippedModel("sentiment");
        await using var registry = await Registries.LoadAsync(repo.Root);
        var service = new TextModelService(registry);

        foreach (var chunk in sentences.Chunk(TextModelService.MaxTexts))
        {
            var predicted = await service.PredictAsync("sentiment", null, chunk, withTerms: false, ct);
            var scored = await service.ScoreAsync("sentiment", null, chunk, ct);

            Assert.True(scored.IsSuccess, scored.Error?.Message);
            Assert.Equal(predicted.Value!.Profile.Version, scored.Value!.Profile.Version);
            for (int i = 0; i < chunk.Length; i++)
            {
                var (before, after) = (predicted.Value.Items[i], scored.Value.Items[i]);
                Assert.Equal(before.Best, after.Best);
                Assert.Equal((before.Features.TokenCount, before.Features.Truncated), (after.TokenCount, after.Truncated));
                for (int j = 0; j < before.Probabilities.Length; j++)
                {
                    Assert.True(Math.Abs(before.Probabilities[j] - after.Probabilities[j]) <= 1e-5, $"'{chunk[i]}' label {j}: {before.Probabilities[j]} vs {after.Probabilities[j]}");
                }
            }
        }
    }

    /// <summary>A lazy text model: listed, not loaded, until the first /v1/sentiment-style call loads it and is answered.</summary>
    [Fact]
    public async Task ScoreAsync_LazyTextModel_FirstCallLoadsAndAnswers()
    {
        var ct = TestContext.Current.CancellationToken;
        using var repo = new TestRepository().WithShippedModel("sentiment");
        // The model.json is a link to the checkout's: replace the link, never write through it.
        string config = Path.Combine(repo.Root, "sentiment", "model.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        json["loadPolicy"] = "lazy";
        File.Delete(config);
        File.WriteAllText(config, json.ToJsonString());
        await using var registry = await Registries.LoadAsync(repo.Root);
        var service = new TextModelService(registry);
        Assert.True(registry.GetModel("sentiment")!.LoadsOnFirstRequest);

        var scored = await service.ScoreAsync("sentiment", null, ["A wonderful, moving film.", "Terrible. A waste of two hours."], ct);

        Assert.True(scored.IsSuccess, scored.Error?.Message);
        Assert.Equal([1, 0], scored.Value!.Items.Select(s => s.Best));
        Assert.True(registry.GetModel("sentiment")!.IsReady);
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
