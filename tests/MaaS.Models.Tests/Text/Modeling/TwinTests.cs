using Microsoft.ML.OnnxRuntime;

namespace MaaS.Models.Tests.Text.Modeling;

/// <summary>
/// Serving answers text models from their C# twin (read from the same ONNX file) instead of an ONNX Runtime run:
/// the twin must stay equal to ONNX Runtime within 1e-6 on every MR sentence and Netflix title.
/// </summary>
public sealed class TwinTests
{
    private const double Tolerance = 1e-6;

    [Theory]
    [InlineData("sentiment")]
    [InlineData("content-tags")]
    public void Predict_EveryCorpusText_EqualsOnnxRuntimeWithin1e6(string name)
    {
        string path = Path.Combine(SharedData.RepositoryRoot, "models", name, "1", TextModelRepository.OnnxFileName);
        var model = LinearTextModelReader.Read(path, out _, out string? error) ?? throw new InvalidOperationException(error);
        var texts = name == "sentiment"
            ? MovieReviewCorpus.Load(TextTestData.MovieReviewsOrSkip()).Examples.Select(e => e.Text).ToList()
            : ContentCorpus.Load(TextTestData.ContentOrSkip()).Examples.Select(e => e.Text).ToList();
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);

        var (maxDiff, worst) = OrtRunner.MaxDifference(session, model, model.Featurizer, texts);

        Assert.True(maxDiff <= Tolerance, $"max |ORT - C#| = {maxDiff}; {worst}");
    }

    [Fact]
    public void PredictAndClassify_Spans_EqualPredictOnFeatures()
    {
        string path = Path.Combine(SharedData.RepositoryRoot, "models", "sentiment", "1", TextModelRepository.OnnxFileName);
        var model = LinearTextModelReader.Read(path, out _, out string? error) ?? throw new InvalidOperationException(error);
        var ids = new int[model.Settings.MaxFeatures];
        var probabilities = new float[2];

        foreach (var example in MovieReviewCorpus.Load(TextTestData.MovieReviewsOrSkip()).Examples.Take(2000))
        {
            var summary = model.Featurizer.Featurize(example.Text, ids);
            model.Predict(ids.AsSpan(0, summary.Count), summary.Weight, probabilities);

            Assert.Equal(model.Predict(example.Text), probabilities);
            var classified = new float[2];
            Assert.Equal(summary, model.Classify(example.Text, classified));
            Assert.Equal(probabilities, classified);
        }
    }

    [Theory]
    [InlineData(TextModelActivation.Sigmoid, FeatureWeighting.Binary)]
    [InlineData(TextModelActivation.Softmax, FeatureWeighting.Binary)]
    [InlineData(TextModelActivation.Softmax, FeatureWeighting.L2Normalized)]
    public void Classify_ThreeLabelsOrL2Weights_EqualsPredict(TextModelActivation activation, FeatureWeighting weighting)
    {
        var settings = new TextFeaturizerSettings { Buckets = 1 << 12, CharNgramMin = 2, CharNgramMax = 4, CharNgramsSpanWords = true, Weighting = weighting };
        var rng = new Random(11);
        var table = new float[settings.FeatureSpace * 3];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        var model = new LinearTextModel(settings, ["a", "b", "c"], activation, table, [0.1f, -0.2f, 0.3f]);
        var probabilities = new float[3];
        foreach (string text in new[] { "a gorgeous, moving film", "tedious and clumsy , not funny", "", "ok" })
        {
            model.Classify(text, probabilities);

            Assert.Equal(model.Predict(text), probabilities);
        }
    }
}
