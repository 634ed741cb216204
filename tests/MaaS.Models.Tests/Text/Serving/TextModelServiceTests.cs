using MaaS.Models.Text.Serving;

namespace MaaS.Models.Tests.Text.Serving;

public sealed class TextModelServiceTests
{
    /// <summary>
    /// 64 MR sentences and one long review in one call: the rows run in length groups, one session run per group
    /// (each padded to its own longest row, not to the 2,048 bucket), and every answer equals the model's C# twin.
    /// </summary>
    [Fact]
    public async Task PredictAsync_MrSentencesAndOneLongText_OneRunPerLengthGroupAndAnswersUnchanged()
    {
        string mr = TextTestData.MovieReviewsOrSkip();
        var sentences = MovieReviewCorpus.Load(mr).Examples.Select(e => e.Text).ToList();
        List<string> texts = [.. sentences.Take(64), string.Join(' ', sentences.Skip(64).Take(30))];
        using var repo = new TestRepository().WithShippedModel("sentiment");
        await using var registry = await Registries.LoadAsync(repo.Root);
        var service = new TextModelService(registry, Registries.Inference(registry));

        var result = await service.PredictAsync("sentiment", null, texts, withTerms: false, TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.Error?.Message);
        var profile = result.Value!.Profile;
        for (int i = 0; i < texts.Count; i++)
        {
            float[] expected = profile.Model.Predict(texts[i]), actual = result.Value.Items[i].Probabilities;
            Assert.True(Math.Abs(expected[1] - actual[1]) <= 1e-5, $"text {i}: expected {expected[1]}, got {actual[1]}");
        }

        int[] lengths = [.. texts.Select(t => profile.Featurizer.Featurize(t).Count)];
        var groups = LengthGroups.Plan(lengths, 65_536, LengthGroups.DefaultMaxPaddingRatio, 1_024);
        var statistics = registry.GetModel("sentiment")!.FindVersion(1)!.Statistics!.Snapshot();
        Assert.True(groups.Count >= 2, $"{groups.Count} groups for lengths {string.Join(',', lengths)}");
        Assert.Equal(groups.Count, statistics.ExecutionCount);
        Assert.Equal(texts.Count, statistics.InferenceCount);
    }
}
