using MaaS.Models.Text.Featurization;
using MaaS.Models.Text.Modeling;

namespace MaaS.Benchmarks.Text;

/// <summary>
/// The parts of the text path for one request of 64 short texts on the shipped sentiment model: featurize + pad, the
/// ONNX Runtime run of the padded batch (what /v1/sentiment ran before), and the C# twin that serves it now.
/// </summary>
[MemoryDiagnoser]
public class TextPipelineBenchmarks
{
    private static readonly string[] Subjects = ["the film", "this movie", "the plot", "the cast", "the ending", "the script", "the soundtrack", "the director's latest"];
    private static readonly string[] Predicates = ["is a delight", "is dull and lifeless", "never quite works", "is surprisingly moving", "feels tedious", "is sharp and funny", "isn't worth your time", "is a gorgeous mess", "offers real charm", "drags on forever"];
    private static readonly string[] Endings = ["", " .", " !", ", sadly .", ", honestly ."];

    private string[] _texts = null!;
    private LinearTextModel _model = null!;
    private InferenceSession _session = null!;
    private FeatureBatch _batch = null!;
    private TextFeatures[] _features = null!;
    private RunOptions _runOptions = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _texts = [.. Enumerable.Range(0, 64).Select(_ => $"{Subjects[random.Next(Subjects.Length)]} {Predicates[random.Next(Predicates.Length)]}{Endings[random.Next(Endings.Length)]}")];
        string path = Path.Combine(SharedData.RepositoryRoot, "models", "sentiment", "1", "model.onnx");
        _model = LinearTextModelReader.Read(path, out _, out string? error) ?? throw new InvalidOperationException(error);
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        _session = new InferenceSession(path, options);
        _features = [.. _texts.Select(t => _model.Featurizer.Featurize(t))];
        _batch = _model.Featurizer.Pad(_features);
        _runOptions = new RunOptions();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    [Benchmark(Description = "featurize + pad 64 texts")]
    public FeatureBatch FeaturizeAndPad() => _model.Featurizer.FeaturizeBatch(_texts);

    [Benchmark(Description = "featurize 64 texts with terms (explanations)")]
    public int FeaturizeWithTerms()
    {
        int count = 0;
        foreach (string text in _texts)
        {
            count += _model.Featurizer.Featurize(text, withTerms: true).Count;
        }

        return count;
    }

    [Benchmark(Description = "ONNX Runtime run, [64, bucket] batch")]
    public float OnnxRun()
    {
        using var ids = OrtValue.CreateTensorValueFromMemory(_batch.Ids, [_batch.BatchSize, _batch.Length]);
        using var weights = OrtValue.CreateTensorValueFromMemory(_batch.Weights, [_batch.BatchSize, _batch.Length]);
        using var results = _session.Run(_runOptions, [LinearTextModel.IdsInput, LinearTextModel.WeightsInput], [ids, weights], [LinearTextModel.ProbabilitiesOutput]);
        return results[0].GetTensorDataAsSpan<float>()[0];
    }

    [Benchmark(Description = "C# model predict, 64 featurized texts")]
    public float CSharpPredict()
    {
        float sum = 0;
        foreach (var features in _features)
        {
            sum += _model.Predict(features)[1];
        }

        return sum;
    }
}
