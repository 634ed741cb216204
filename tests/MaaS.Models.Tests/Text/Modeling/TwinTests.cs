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
    public void Predict_Spans_EqualsPredictOnFeatures()
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
        }
    }
}
