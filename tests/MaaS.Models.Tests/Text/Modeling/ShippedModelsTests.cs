namespace MaaS.Models.Tests.Text.Modeling;

/// <summary>
/// The shipped models in models/ are build outputs of the trainers: retraining from their cards must give the same
/// bytes, and ONNX Runtime over the shipped file must give the C# trainer's probabilities.
/// </summary>
public sealed class ShippedModelsTests
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void SentimentModel_EveryMrSentence_OrtMatchesTrainerWithin1e5()
    {
        var corpus = MovieReviewCorpus.Load(TextTestData.MovieReviewsOrSkip());
        var (card, path) = Load("sentiment");
        var options = new SentimentTrainingOptions
        {
            Featurizer = card.Featurizer,
            Alpha = Number(card, "alpha"),
            Beta = Number(card, "beta"),
            LambdaGrid = [Number(card, "lambda")],
            InnerFolds = 0,
            Logistic = new LogisticOptions(Number(card, "lambda"), (int)Number(card, "epochs"), Number(card, "learningRate")),
            Seed = (int)Number(card, "seed"),
        };
        var texts = corpus.Examples.Select(e => e.Text).ToList();

        var model = SentimentTrainer.Train(texts, [.. corpus.Examples.Select(e => e.Labels[0])], corpus.LabelNames, options, TestContext.Current.CancellationToken).Model;
        using var session = new InferenceSession(path);
        var (maxDiff, worst) = OrtRunner.MaxDifference(session, model, ServingFeaturizer(session), texts);

        Assert.True(maxDiff <= Tolerance, $"max |ORT - C#| = {maxDiff}; {worst}");
        Assert.Equal(File.ReadAllBytes(path), model.ToOnnx(card.Name, ShippedMetadata(card)));
    }

    [Fact]
    public void ContentTagsModel_EveryTitle_OrtMatchesTrainerWithin1e5()
    {
        var corpus = ContentCorpus.Load(TextTestData.ContentOrSkip());
        var (card, path) = Load("content-tags");
        var options = new TagTrainingOptions
        {
            Featurizer = card.Featurizer,
            Logistic = new LogisticOptions(Number(card, "lambda"), (int)Number(card, "epochs"), Number(card, "learningRate")),
            Seed = (int)Number(card, "seed"),
        };
        var featurizer = new TextFeaturizer(options.Featurizer);
        var features = corpus.Examples.Select(e => featurizer.Featurize(e.Text)).ToArray();
        var train = Enumerable.Range(0, features.Length).Where(i => !ContentCorpus.IsTest(corpus.Examples[i].Id)).ToArray();

        var result = TagTrainer.Train(features, [.. corpus.Examples.Select(e => e.Labels)], train, corpus.LabelNames, options, cancellationToken: TestContext.Current.CancellationToken);
        using var session = new InferenceSession(path);
        var (maxDiff, worst) = OrtRunner.MaxDifference(session, result.Model, ServingFeaturizer(session), [.. corpus.Examples.Select(e => e.Text)]);

        Assert.True(maxDiff <= Tolerance, $"max |ORT - C#| = {maxDiff}; {worst}");
        Assert.Equal(card.Thresholds![0], result.Threshold);
        Assert.Equal(File.ReadAllBytes(path), result.Model.ToOnnx(card.Name, ShippedMetadata(card)));
    }

    [Theory]
    [InlineData("sentiment")]
    [InlineData("content-tags")]
    public void ServingFeaturizer_FromOnnxMetadata_EqualsTrainingFeaturizerOnEveryText(string name)
    {
        var (card, path) = Load(name);
        var texts = name == "sentiment"
            ? MovieReviewCorpus.Load(TextTestData.MovieReviewsOrSkip()).Examples.Select(e => e.Text).ToList()
            : ContentCorpus.Load(TextTestData.ContentOrSkip()).Examples.Select(e => e.Text).ToList();
        using var session = new InferenceSession(path);
        var serving = ServingFeaturizer(session);
        var training = new TextFeaturizer(card.Featurizer);

        Assert.Equal(card.Featurizer.ToJson(), serving.Settings.ToJson());
        foreach (string text in texts)
        {
            var expected = training.Featurize(text);
            var actual = serving.Featurize(text);
            Assert.True(expected.Ids.AsSpan().SequenceEqual(actual.Ids) && expected.Weights.AsSpan().SequenceEqual(actual.Weights), $"features differ for '{text}'");
        }
    }

    [Theory]
    [InlineData("sentiment")]
    [InlineData("content-tags")]
    public void ShippedModel_SizeAndRepositoryLayout_WithinLimits(string name)
    {
        var (card, path) = Load(name);
        string root = Path.Combine(SharedData.RepositoryRoot, "models", name);

        Assert.True(new FileInfo(path).Length <= 8_000_000, $"{path} is {new FileInfo(path).Length} bytes");
        Assert.True(File.Exists(Path.Combine(root, RepositoryFiles.Config)));
        Assert.Equal(name, card.Name);
        Assert.Empty(card.Featurizer.Validate());
    }

    [Fact]
    public void ContentTagsV2_ShippedFile_NamesItsEncoderAndCarriesTheCardsDecisions()
    {
        string version = Path.Combine(SharedData.RepositoryRoot, "models", "content-tags", "2");
        string path = Path.Combine(version, RepositoryFiles.Onnx);
        var card = TextModelCard.FromJson(File.ReadAllText(Path.Combine(version, RepositoryFiles.Card)));

        var model = LinearTextModelReader.Read(path, out var metadata, out string? error);

        Assert.Null(error);
        Assert.NotNull(card);
        Assert.Equal("all-minilm-l6-v2", model!.Settings.EmbeddingModel);
        Assert.Equal(384, model.Settings.EmbeddingDimensions);
        Assert.Equal(card.Featurizer.ToJson(), model.Settings.ToJson());
        Assert.Equal(JsonSerializer.Serialize(card.LabelGroups), JsonSerializer.Serialize(JsonSerializer.Deserialize<int[]>(metadata[TextModelMetadata.LabelGroups])));
        Assert.Equal(JsonSerializer.Serialize(card.Thresholds), JsonSerializer.Serialize(JsonSerializer.Deserialize<float[]>(metadata[TextModelMetadata.Thresholds])));
        Assert.True(new FileInfo(path).Length <= 8_000_000, $"{path} is {new FileInfo(path).Length} bytes");
        Assert.True(card.Metrics["testMicroF1"] > 0.5, $"test micro-F1 {card.Metrics["testMicroF1"]}");
    }

    private static TextFeaturizer ServingFeaturizer(InferenceSession session) =>
        new(TextFeaturizerSettings.FromJson(session.ModelMetadata.CustomMetadataMap[TextFeaturizerSettings.MetadataKey])!);

    private static (TextModelCard Card, string OnnxPath) Load(string name)
    {
        string version = Path.Combine(SharedData.RepositoryRoot, "models", name, "1");
        var card = TextModelCard.FromJson(File.ReadAllText(Path.Combine(version, RepositoryFiles.Card)));
        Assert.NotNull(card);
        return (card, Path.Combine(version, RepositoryFiles.Onnx));
    }

    private static Dictionary<string, string> ShippedMetadata(TextModelCard card) =>
        TextModelRepository.OnnxMetadata(card);

    private static double Number(TextModelCard card, string key) => double.Parse(card.Training[key], CultureInfo.InvariantCulture);
}
