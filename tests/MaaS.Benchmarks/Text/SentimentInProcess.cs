using MaaS.Models.Text.Featurization;
using MaaS.Models.Text.Modeling;
using MaaS.Models.Text.Serving;
using MaaS.TestSupport.Models;

namespace MaaS.Benchmarks.Text;

/// <summary>
/// Sentiment in process, one thread, over the MR sentences with the shipped model (console mode):
/// <see cref="LinearTextModel.Classify"/> (span featurizer and C# twin, the table rows prefetched while hashing) for
/// <c>seconds</c> after a 1 s warm-up;
/// prints sentences/s and the model's accuracy on MR. With <c>--breakdown</c>, also µs per sentence of each part and
/// of the alternatives: the string-per-token featurizer, an ONNX Runtime run per sentence, and runs of 64. With
/// <c>--service</c>, µs per sentence of <see cref="TextModelService"/> over a real registry in calls of 64 MR sentences,
/// <see cref="TextModelService.PredictAsync"/> (what /v1/sentiment called before) and
/// <see cref="TextModelService.ScoreAsync"/> (what it calls now) alternated 3 times.
/// Usage: <c>sentiment-inproc &lt;mr folder&gt; [seconds, default 5] [--breakdown] [--service]</c>. Compared with the npm
/// <c>sentiment</c> package by <c>Text/sentiment-vs-afinn.sh</c>.
/// </summary>
internal static class SentimentInProcess
{
    public static int Run(string[] args)
    {
        if (args.Length < 1 || !MovieReviewCorpus.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: sentiment-inproc <mr folder> [seconds] [--breakdown] [--service]");
            return 2;
        }

        var corpus = MovieReviewCorpus.Load(args[0]);
        double seconds = args.Length > 1 && double.TryParse(args[1], CultureInfo.InvariantCulture, out double s) ? s : 5;
        string path = Path.Combine(SharedData.RepositoryRoot, "models", "sentiment", "1", "model.onnx");
        var model = LinearTextModelReader.Read(path, out _, out string? error) ?? throw new InvalidOperationException(error);
        string[] texts = [.. corpus.Examples.Select(e => e.Text)];
        var probabilities = new float[model.Labels.Count];

        int correct = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            model.Classify(texts[i], probabilities);
            correct += (probabilities[1] > probabilities[0] ? 1 : 0) == corpus.Examples[i].Labels[0] ? 1 : 0;
        }

        Pass(model, texts, probabilities, 1);
        double rate = Pass(model, texts, probabilities, seconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dotnet sentences/s: {rate:F0}  accuracy: {100.0 * correct / texts.Length:F2} % (trained on all of MR; 10-fold CV {Cv(path)})  sentences: {texts.Length}"));
        if (args.Contains("--breakdown"))
        {
            Breakdown(model, path, texts);
        }

        if (args.Contains("--service"))
        {
            Service(texts);
        }

        return 0;
    }

    private static double Pass(LinearTextModel model, string[] texts, float[] probabilities, double seconds)
    {
        long done = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            foreach (string text in texts)
            {
                model.Classify(text, probabilities);
            }

            done += texts.Length;
        }

        return done / clock.Elapsed.TotalSeconds;
    }

    private static void Breakdown(LinearTextModel model, string path, string[] texts)
    {
        var featurizer = model.Featurizer;
        var ids = new int[featurizer.Settings.MaxFeatures];
        var probabilities = new float[model.Labels.Count];
        var rows = texts.Select(t => featurizer.Featurize(t)).ToArray();
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);
        using var runOptions = new RunOptions();

        Report("featurize, string-per-token path (before)", texts.Length, () => { foreach (string t in texts) { featurizer.FeaturizeReference(t, withTerms: false); } });
        Report("featurize, span path", texts.Length, () => { foreach (string t in texts) { featurizer.Featurize(t, ids); } });
        Report("C# twin predict", texts.Length, () =>
        {
            foreach (var row in rows)
            {
                model.Predict(row.Ids, row.Weights[0], probabilities);
            }
        });
        // Alternated, as the loaded machine drifts between passes.
        for (int round = 0; round < 3; round++)
        {
            Report("featurize + twin (Classify: rows prefetched while hashing)", texts.Length, () => { foreach (string t in texts) { model.Classify(t, probabilities); } });
            Report("featurize, then twin over the ids (two passes)", texts.Length, () =>
            {
                foreach (string t in texts)
                {
                    var summary = featurizer.Featurize(t, ids);
                    model.Predict(ids.AsSpan(0, summary.Count), summary.Weight, probabilities);
                }
            });
        }

        Report("ONNX Runtime run, batch 1", texts.Length, () =>
        {
            foreach (var row in rows)
            {
                Run(session, runOptions, TextFeaturizer.PadToLongest([row]));
            }
        });
        Report("ONNX Runtime run, batch 64 padded to its longest", texts.Length, () =>
        {
            for (int start = 0; start < rows.Length; start += 64)
            {
                Run(session, runOptions, TextFeaturizer.PadToLongest(rows[start..Math.Min(rows.Length, start + 64)]));
            }
        });
    }

    private static void Service(string[] texts)
    {
        using var repository = new TestRepository().WithShippedModel("sentiment");
        using var registry = Registries.Create(repository.Root);
        registry.InitializeAsync().GetAwaiter().GetResult();
        var service = new TextModelService(registry);
        string[][] calls = [.. texts.Chunk(64)];
        for (int round = 0; round < 3; round++)
        {
            Report("service PredictAsync, calls of 64 (before)", texts.Length, () =>
            {
                foreach (string[] call in calls)
                {
                    _ = service.PredictAsync("sentiment", null, call, withTerms: false, CancellationToken.None).AsTask().GetAwaiter().GetResult().Value!;
                }
            });
            Report("service ScoreAsync, calls of 64 (/v1/sentiment now)", texts.Length, () =>
            {
                foreach (string[] call in calls)
                {
                    _ = service.ScoreAsync("sentiment", null, call, CancellationToken.None).AsTask().GetAwaiter().GetResult().Value!;
                }
            });
        }
    }

    private static void Run(InferenceSession session, RunOptions runOptions, FeatureBatch batch)
    {
        using var ids = OrtValue.CreateTensorValueFromMemory(batch.Ids, [batch.BatchSize, batch.Length]);
        using var weights = OrtValue.CreateTensorValueFromMemory(batch.Weights, [batch.BatchSize, batch.Length]);
        using var results = session.Run(runOptions, [LinearTextModel.IdsInput, LinearTextModel.WeightsInput], [ids, weights], [LinearTextModel.ProbabilitiesOutput]);
    }

    // Best of 3 passes over all sentences (the first warms up), in µs per sentence.
    private static void Report(string name, int count, Action pass)
    {
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            pass();
            best = Math.Min(best, clock.Elapsed.TotalMicroseconds / count);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-50} {best,8:F2} µs/sentence"));
    }

    private static string Cv(string onnxPath)
    {
        var card = TextModelCard.FromJson(File.ReadAllText(Path.Combine(Path.GetDirectoryName(onnxPath)!, RepositoryFiles.Card)));
        return card?.Metrics.TryGetValue("cv10Accuracy", out double cv) == true ? string.Create(CultureInfo.InvariantCulture, $"{cv * 100:F2} %") : "n/a";
    }
}
