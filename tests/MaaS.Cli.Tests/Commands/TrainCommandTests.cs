using System.Text.Json.Nodes;
using MaaS.Models.Registry;
using MaaS.Models.Text.Featurization;
using MaaS.Models.Text.Modeling;
using MaaS.TestSupport.Text;
using Microsoft.ML.OnnxRuntime;

namespace MaaS.Cli.Tests.Commands;

public sealed class TrainCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task TrainSentiment_TinyLabelledSet_WritesVersionFolderWhoseOnnxLoadsAndSeparatesTheCues()
    {
        string data = WriteMovieReviews(300, seed: 11);
        string version = _temp["models/tiny-sentiment/1"];

        var run = await MaasCli.RunAsync("train", "sentiment", "--data", data, "--out", version, "--seed", "3");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(Path.Combine(version, RepositoryFiles.Onnx), run.Output);
        var card = TextModelCard.FromJson(File.ReadAllText(Path.Combine(version, RepositoryFiles.Card)));
        Assert.NotNull(card);
        Assert.Equal(("tiny-sentiment", 1, "sentiment"), (card.Name, card.Version, card.Task));
        Assert.Equal(["negative", "positive"], card.Labels);
        Assert.Equal("300", card.Data["rows"]);
        Assert.Contains("--seed 3", card.Command);
        Assert.True(File.Exists(_temp["models/tiny-sentiment/" + RepositoryFiles.Config]), run.ToString());

        using var session = new InferenceSession(Path.Combine(version, RepositoryFiles.Onnx));
        float[] positive = Probabilities(session, card.Featurizer, "the film was wonderful and brilliant .");
        float[] negative = Probabilities(session, card.Featurizer, "the film was awful and boring .");
        Assert.True(positive[1] > 0.5f && negative[1] < 0.5f, $"P(positive): {positive[1]} for the positive cue, {negative[1]} for the negative one");
    }

    [Fact]
    public async Task TrainSentiment_MissingData_ExitCode2AndNamesTheFolder()
    {
        string missing = _temp["no-mr"];

        var run = await MaasCli.RunAsync("train", "sentiment", "--data", missing, "--out", _temp["models/s/1"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("rt-polarity", run.Output + run.Error);
        Assert.Contains(missing, run.Output + run.Error);
        Assert.False(Directory.Exists(_temp["models"]), "a model folder was written without data");
    }

    [Fact]
    public async Task TrainTags_EmbeddingModelNotInRepository_ExitCode2NamingItAndWritesNothing()
    {
        string data = _temp["content"];
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "netflix_titles.csv"), """
            show_id,type,title,director,cast,country,date_added,release_year,rating,duration,listed_in,description
            s1,Movie,Star Voyagers,,,,,2020,PG,90 min,Sci-Fi & Fantasy,Androids crew a starship.
            s2,Movie,Kitchen Duel,,,,,2021,PG,80 min,Reality TV,Two chefs compete.
            """);
        Directory.CreateDirectory(_temp["empty-models"]);

        var run = await MaasCli.RunAsync("train", "tags", "--data", data, "--out", _temp["models/t/2"], "--embeddings", "no-such-encoder", "--models", _temp["empty-models"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("no-such-encoder", run.Output + run.Error);
        Assert.False(Directory.Exists(_temp["models"]), "a model folder was written without its encoder");
    }

    [Fact]
    public async Task TrainSentiment_OutWithoutVersionNumber_ExitCode2BeforeTraining()
    {
        string data = WriteMovieReviews(40, seed: 2);

        var run = await MaasCli.RunAsync("train", "sentiment", "--data", data, "--out", _temp["models/s/latest"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("positive integer version folder", run.Output + run.Error);
        Assert.False(Directory.Exists(_temp["models/s/latest"]));
    }

    [Fact]
    public async Task TrainClassifier_CsvRows_PrintsProgressAndWritesTheApiCardAndAWorkingOnnx()
    {
        var (texts, labels) = SyntheticText.Sentiment(400, seed: 5);
        string data = _temp["reviews.csv"];
        File.WriteAllLines(data, ["text,label", .. texts.Select((t, i) => $"\"{t}\",{(labels[i] == 1 ? "positive" : "negative")}")]);
        string version = _temp["models/reviews/1"];

        var run = await MaasCli.RunAsync("train", "classifier", "--data", data, "--model", "reviews", "--folds", "2", "--lambdas", "0.001", "--out", version);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("cross-validation (words+chars", run.Output);
        Assert.Contains("words+chars (chosen)", run.Output + " " + run.Error);
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(version, RepositoryFiles.Card)))!;
        var training = card["training"]!;
        Assert.Equal(("reviews", "classification", 400), (card["name"]!.GetValue<string>(), training["task"]!.GetValue<string>(), training["rows"]!.GetValue<int>()));
        Assert.Equal(2, training["candidates"]!.AsArray().Count);
        Assert.Equal("not asked for", training["embedding"]!.GetValue<string>());
        Assert.Contains("same folds it was chosen on", training["crossValidationIs"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", training["fingerprint"]!.GetValue<string>());
        Assert.Contains("--lambdas 0.001", card["command"]!.GetValue<string>(), StringComparison.Ordinal);

        using var session = new InferenceSession(Path.Combine(version, RepositoryFiles.Onnx));
        var settings = TextFeaturizerSettings.FromJson(session.ModelMetadata.CustomMetadataMap[TextFeaturizerSettings.MetadataKey])!;
        float[] positive = Probabilities(session, settings, "the film was wonderful and brilliant .");
        float[] negative = Probabilities(session, settings, "the film was awful and boring .");
        Assert.True(positive[1] > 0.5f && negative[1] < 0.5f, $"P(positive): {positive[1]} for the positive cue, {negative[1]} for the negative one");
    }

    [Fact]
    public async Task TrainClassifier_OneClassOnly_ExitCode2ListingTheProblemAsTheApiDoes()
    {
        string data = _temp["one.csv"];
        File.WriteAllLines(data, ["text,label", "a fine film,good", "a great film,good", "a nice film,good"]);

        var run = await MaasCli.RunAsync("train", "classifier", "--data", data, "--model", "m", "--out", _temp["models/m/1"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("one class only", run.Output + run.Error);
        Assert.False(Directory.Exists(_temp["models"]), "a model folder was written for a refused dataset");
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>MR's layout (rt-polarity.neg / .pos, one snippet per line) with seeded synthetic reviews.</summary>
    private string WriteMovieReviews(int count, int seed)
    {
        var (texts, labels) = SyntheticText.Sentiment(count, seed);
        string folder = Directory.CreateDirectory(_temp["mr"]).FullName;
        File.WriteAllLines(Path.Combine(folder, "rt-polarity.neg"), texts.Where((_, i) => labels[i] == 0));
        File.WriteAllLines(Path.Combine(folder, "rt-polarity.pos"), texts.Where((_, i) => labels[i] == 1));
        return folder;
    }

    private static float[] Probabilities(InferenceSession session, TextFeaturizerSettings settings, string text)
    {
        var featurizer = new TextFeaturizer(settings);
        var batch = featurizer.Pad([featurizer.Featurize(text)]);
        using var ids = OrtValue.CreateTensorValueFromMemory(batch.Ids, [batch.BatchSize, batch.Length]);
        using var weights = OrtValue.CreateTensorValueFromMemory(batch.Weights, [batch.BatchSize, batch.Length]);
        using var options = new RunOptions();
        using var results = session.Run(options, [LinearTextModel.IdsInput, LinearTextModel.WeightsInput], [ids, weights], [LinearTextModel.ProbabilitiesOutput]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
