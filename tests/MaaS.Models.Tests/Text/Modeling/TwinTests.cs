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
        string path = Path.Combine(SharedData.RepositoryRoot, "models", name, "1", RepositoryFiles.Onnx);
        var model = LinearTextModelReader.Read(path, out _, out string? error) ?? throw new InvalidOperationException(error);
        var texts = name == "sentiment"
            ? MovieReviewCorpus.Load(TextTestData.MovieReviewsOrSkip()).Examples.Select(e => e.Text).ToList()
            : ContentCorpus.Load(TextTestData.ContentOrSkip()).Examples.Select(e => e.Text).ToList();
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);

        var (maxDiff, worst) = OrtRunner.MaxDifference(session, model, model.Featurizer, texts);

        Assert.True(maxDiff <= Tolerance, $"max |ORT - C#| = {maxDiff}; {worst}");
    }

    // Classify (rows prefetched while hashing) must give exactly what Predict over the featurized text gives, so it is
    // within 1e-6 of ONNX Runtime wherever Predict is (above): checked on every MR sentence.
    [Fact]
    public void PredictAndClassify_Spans_EqualPredictOnFeatures()
    {
        string path = Path.Combine(SharedData.RepositoryRoot, "models", "sentiment", "1", RepositoryFiles.Onnx);
        var model = LinearTextModelReader.Read(path, out _, out string? error) ?? throw new InvalidOperationException(error);
        var ids = new int[model.Settings.MaxFeatures];
        var probabilities = new float[2];

        foreach (var example in MovieReviewCorpus.Load(TextTestData.MovieReviewsOrSkip()).Examples)
        {
            var summary = model.Featurizer.Featurize(example.Text, ids);
            model.Predict(ids.AsSpan(0, summary.Count), summary.Weight, probabilities);

            Assert.Equal(model.Predict(example.Text), probabilities);
            var classified = new float[2];
            Assert.Equal(summary, model.Classify(example.Text, classified));
            Assert.Equal(probabilities, classified);
        }
    }

    // The feature limit, the token limit and non-ASCII text on a two-label model: Classify's paths where ids stop
    // being written or leave the ASCII lanes.
    [Fact]
    public void Classify_TruncatedAndNonAsciiTexts_EqualsPredict()
    {
        var settings = new TextFeaturizerSettings { Buckets = 1 << 12, CharNgramMin = 1, CharNgramMax = 5, CharNgramsSpanWords = true, MaxTokens = 24, BucketLengths = [8, 96] };
        var rng = new Random(13);
        var table = new float[settings.FeatureSpace * 2];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        var model = new LinearTextModel(settings, ["negative", "positive"], TextModelActivation.Softmax, table, [0.1f, -0.2f]);
        var probabilities = new float[2];
        List<string> texts = ["", "ok", "ＧＯＯＤ ｍｏｖｉｅ, caf\u0065\u0301 \u4e2d\u6587 \ud83d\ude00", "lone \ud800 surrogate", new string('x', 500),
            string.Join(' ', Enumerable.Range(0, 300).Select(i => $"w{i}"))];
        for (int i = 0; i < 100; i++)
        {
            texts.Add(new string([.. Enumerable.Range(0, rng.Next(0, 300)).Select(_ => (char)(i % 2 == 0 ? 32 + rng.Next(95) : rng.Next(65536)))]));
        }

        foreach (string text in texts)
        {
            var summary = model.Classify(text, probabilities);

            Assert.Equal(model.Predict(text), probabilities);
            Assert.Equal(model.Featurizer.Featurize(text).Count, summary.Count);
        }

        Assert.Contains(texts, t => model.Featurizer.Featurize(t).Truncated);
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
