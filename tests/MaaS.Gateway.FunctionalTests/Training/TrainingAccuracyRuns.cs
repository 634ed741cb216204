using MaaS.Models.Text.Data;
using MaaS.Models.Text.Training;

namespace MaaS.Gateway.FunctionalTests.Training;

/// <summary>
/// Accuracy through the API on the shared data sets (docs/training.md): each run starts a gateway process, uploads a
/// data set to <c>POST /v1/trainings</c>, waits for the job and, where the protocol has a test split, classifies it
/// through <c>POST /v1/classify</c>. The gateway serves the checkout's all-minilm-l6-v2, so the candidates include the
/// n-gram sets joined with its embedding. Minutes each, so explicit: <c>-- --explicit only</c> runs them.
/// </summary>
public sealed class TrainingAccuracyRuns : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "maas-train-accuracy-" + Guid.NewGuid().ToString("N"));
    private readonly List<GatewayProcess> _gateways = [];
    private readonly TestRepository _models = new();

    [Fact(Explicit = true)]
    public async Task MovieReviews_TenFoldCrossValidation()
    {
        var corpus = MovieReviewCorpus.Load(SharedData.Require("sentiment/mr", "rt-polarity.neg", "rt-polarity.pos"));
        string rows = JsonLines(corpus.Examples.Select(e => (e.Text, new[] { corpus.LabelNames[e.Labels[0]] })));
        var (result, _) = await TrainAsync(rows, "?model=mr&folds=10");
        Report("MR", result, $"10-fold CV accuracy {Pct(result["crossValidation"]!["accuracy"]!.GetValue<double>())}");
    }

    [Fact(Explicit = true)]
    public async Task Sst2_TrainOnTrain_AccuracyOnDev()
    {
        string sst2 = SharedData.Require("sentiment/sst2", "train.tsv", "dev.tsv");
        var (result, client) = await TrainAsync(await File.ReadAllTextAsync(Path.Combine(sst2, "train.tsv"), TestContext.Current.CancellationToken), "?model=sst2&folds=3", "text/tab-separated-values");
        var dev = File.ReadLines(Path.Combine(sst2, "dev.tsv")).Skip(1).Select(l => l.Split('\t')).Select(f => (Text: f[0], Label: f[1] == "1" ? "1" : "0")).ToList();
        int correct = 0;
        foreach (var batch in dev.Chunk(256))
        {
            var answer = await TrainingCalls.ClassifyAsync(client, "default.sst2", [.. batch.Select(b => b.Text)]);
            correct += answer["results"]!.AsArray().Select((r, i) => r!["label"]!.GetValue<string>() == batch[i].Label ? 1 : 0).Sum();
        }

        Report("SST-2", result, $"dev accuracy {Pct((double)correct / dev.Count)} ({correct}/{dev.Count})");
    }

    [Fact(Explicit = true)]
    public async Task NetflixTags_TrainOnTrainSplit_MicroF1OnTest()
    {
        var corpus = ContentCorpus.Load(SharedData.Require("content", ContentCorpus.FileName));
        var train = corpus.Examples.Where(e => !ContentCorpus.IsTest(e.Id)).ToList();
        var test = corpus.Examples.Where(e => ContentCorpus.IsTest(e.Id)).ToList();
        // Every label of the upload needs 3 examples: rarer tags are left out of training (and count as misses on test).
        var counts = train.SelectMany(e => e.Labels).CountBy(l => l).ToDictionary(p => p.Key, p => p.Value);
        var kept = train.Select(e => (e.Text, Labels: e.Labels.Where(l => counts[l] >= 3).Select(l => corpus.LabelNames[l]).ToArray())).Where(r => r.Labels.Length > 0);
        // The word n-grams won every λ against words+chars here before, and words+embedding (λ 1e-4) beat words alone;
        // the embedding's 384 dense columns make each of the 42 labels' fits several times slower, so the grid keeps to
        // that linear model and the same with the neighbour-vote head, and cross-validation chooses between them.
        var rows = new JsonArray([.. kept.Select(r => (JsonNode)new JsonObject { ["text"] = r.Text, ["labels"] = new JsonArray([.. r.Labels.Select(l => (JsonNode)JsonValue.Create(l))]) })]);
        var body = new JsonObject
        {
            ["model"] = "netflix-tags",
            ["multiLabel"] = true,
            ["rows"] = rows,
            ["settings"] = new JsonObject { ["folds"] = 3, ["featureSets"] = new JsonArray("words+embedding", "words+embedding+neighbours"), ["lambdas"] = new JsonArray(1e-4) },
        };
        var (result, client) = await TrainAsync(body.ToJsonString(), "", "application/json");
        var labelIndex = corpus.LabelNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var decided = new List<int[]>();
        var scores = new List<float[]>();
        foreach (var batch in test.Chunk(256))
        {
            var answer = await TrainingCalls.ClassifyAsync(client, "default.netflix-tags", [.. batch.Select(b => b.Text)]);
            // The model's labels are the corpus's minus the rare ones, so every answer maps to a corpus index.
            int[] index = [.. answer["labels"]!.AsArray().Select(l => labelIndex[l!.GetValue<string>()])];
            foreach (var item in answer["results"]!.AsArray())
            {
                decided.Add([.. item!["labels"]!.AsArray().Select(l => labelIndex[l!.GetValue<string>()])]);
                var row = new float[corpus.LabelNames.Count];
                var given = item["scores"]!.AsArray();
                for (int j = 0; j < index.Length; j++)
                {
                    row[index[j]] = given[j]!.GetValue<float>();
                }

                scores.Add(row);
            }
        }

        var m = MultiLabelMetrics.Compute(decided, scores, [.. test.Select(e => e.Labels)], corpus.LabelNames.Count);
        Report("Netflix tags", result, $"test micro-F1 {F3(m.MicroF1)} (P {F3(m.MicroPrecision)}, R {F3(m.MicroRecall)}), macro-F1 {F3(m.MacroF1)}, P@1 {F3(m.PrecisionAt1)}, P@3 {F3(m.PrecisionAt3)} ({test.Count} titles, id divisible by 5)");
    }

    public void Dispose()
    {
        _gateways.ForEach(g => g.Dispose());
        _models.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private async Task<(JsonNode Result, HttpClient Client)> TrainAsync(string body, string query, string contentType = "application/x-ndjson")
    {
        string dll = GatewayProcess.RequireGatewayDll();
        var ct = TestContext.Current.CancellationToken;
        if (!Directory.Exists(Path.Combine(_models.Root, "all-minilm-l6-v2")))
        {
            _models.WithShippedModel("all-minilm-l6-v2");
        }

        string models = _models.Root;
        var settings = new Dictionary<string, string>
        {
            ["Jobs:ThreadsPerJob"] = Environment.GetEnvironmentVariable("MAAS_TRAIN_THREADS") ?? "1",
            ["Training:MaxBodyBytes"] = (64L * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
        };
        // Loading the 91 MB encoder takes a while on a busy box.
        var gateway = await GatewayProcess.StartAsync(dll, Path.Combine(_root, "data"), models, ct, settings, TimeSpan.FromMinutes(5));
        _gateways.Add(gateway);
        var client = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromMinutes(5) };
        string id = await TrainingCalls.SubmitAcceptedAsync(client, body, contentType, query);
        var done = await TrainingCalls.WaitFinishedAsync(client, id, TimeSpan.FromMinutes(60), () => gateway.Tail);
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", done.ToJsonString());
        return (done["result"]!, client);
    }

    private static void Report(string name, JsonNode result, string metric)
    {
        var timings = result["timings"]!;
        string line = $"{name}: {metric}; rows {result["rows"]}, chosen {result["chosen"]!.ToJsonString()}, CV accuracy {Pct(result["crossValidation"]!["accuracy"]!.GetValue<double>())}, " +
            $"CV macro-F1 {result["crossValidation"]!["macroF1"]!.GetValue<double>():0.000}, CV micro-F1 {result["crossValidation"]!["microF1"]!.GetValue<double>():0.000}; " +
            $"training {timings["totalSeconds"]!.GetValue<double>():0.0} s (featurize {timings["featurizeSeconds"]!.GetValue<double>():0.0}, CV {timings["crossValidationSeconds"]!.GetValue<double>():0.0}, final {timings["finalFitSeconds"]!.GetValue<double>():0.0}); " +
            $"gateway peak working set {result["peakWorkingSetBytes"]!.GetValue<long>() / 1024.0 / 1024.0:0} MiB; embedding {result["embedding"]}; candidates {result["candidates"]!.ToJsonString()}";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "maas-training-accuracy.txt"), line + "\n");
    }

    private static string JsonLines(IEnumerable<(string Text, string[] Labels)> rows) =>
        string.Concat(rows.Select(r => new JsonObject { ["text"] = r.Text, ["labels"] = new JsonArray([.. r.Labels.Select(l => (JsonNode)JsonValue.Create(l))]) }.ToJsonString() + "\n"));

    private static string F3(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Pct(double value) => (value * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %";
}
