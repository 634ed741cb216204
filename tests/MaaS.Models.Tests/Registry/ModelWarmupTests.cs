using System.Diagnostics.Metrics;
using MaaS.Models.Telemetry;

namespace MaaS.Models.Tests.Registry;

/// <summary>
/// Triton's model warmup (model.json <c>modelWarmup</c>) on real ONNX Runtime sessions: every sample runs after the
/// load and before the version serves; a sample that does not fit the model, or whose run fails, fails the load.
/// </summary>
public sealed class ModelWarmupTests
{
    [Fact]
    public async Task Load_SamplesThatFit_Ready_ConfigAnswersThemInTritonsShape()
    {
        using var repo = Rows(maxBatchSize: 8, """
            [
              { "name": "zeros", "batchSize": 8, "inputs": { "x": { "dims": [4], "zeroData": true } } },
              { "name": "random", "batchSize": 2, "count": 3, "inputs": { "x": { "dataType": "TYPE_FP32", "dims": [8], "randomData": true } } },
              { "name": "file", "inputs": { "x": { "dataType": "FP32", "dims": [4], "inputDataFile": "row.bin" } } }
            ]
            """);
        WriteSample(repo, "row.bin", [1f, 2f, 3f, 4f]);

        await using var registry = await Registries.LoadAsync(repo.Root);

        var model = registry.GetModel("rows")!;
        var version = model.Versions.Single();
        Assert.True(version.IsReady, version.Reason);
        var config = V2Mapping.Config(model, version, model.Config!);
        Assert.Equal(["zeros", "random", "file"], config.ModelWarmup!.Select(w => w.Name));
        Assert.Equal((2, 3), (config.ModelWarmup![1].BatchSize, config.ModelWarmup[1].Count));
        var file = config.ModelWarmup![2].Inputs["x"];
        Assert.Equal(("TYPE_FP32", "row.bin", null), (file.DataType, file.InputDataFile, file.ZeroData));
    }

    /// <summary>The sample runs: a shape the declared dims allow but the graph cannot reshape fails the load, naming the sample.</summary>
    [Fact]
    public async Task Load_SampleWhoseRunFails_NotReady_ReasonNamesTheSample()
    {
        using var repo = Rows(maxBatchSize: 8, """[ { "name": "odd", "inputs": { "x": { "dims": [3], "zeroData": true } } } ]""");

        await using var registry = await Registries.LoadAsync(repo.Root);

        var version = registry.GetModel("rows")!.Versions.Single();
        Assert.False(version.IsReady);
        Assert.StartsWith("warmup sample 'odd' failed:", version.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "y": { "dims": [4], "zeroData": true } }""", "names input 'y'")]
    [InlineData("""{ "x": { "dataType": "INT64", "dims": [4], "zeroData": true } }""", "input 'x' is FP32, not INT64")]
    [InlineData("""{ "x": { "dims": [4], "inputDataFile": "absent.bin" } }""", "warmup/absent.bin, which does not exist")]
    [InlineData("""{ "x": { "dims": [4], "inputDataFile": "short.bin" } }""", "warmup/short.bin")]
    public async Task Load_SampleThatDoesNotFit_NotReady_ReasonNamesTheSample(string inputs, string reason)
    {
        using var repo = Rows(maxBatchSize: 8, $$"""[ { "name": "bad", "inputs": {{inputs}} } ]""");
        WriteSample(repo, "short.bin", [1f, 2f]);

        await using var registry = await Registries.LoadAsync(repo.Root);

        var version = registry.GetModel("rows")!.Versions.Single();
        Assert.False(version.IsReady);
        Assert.Contains("warmup sample 'bad'", version.Reason, StringComparison.Ordinal);
        Assert.Contains(reason, version.Reason, StringComparison.Ordinal);
    }

    /// <summary>Each warmup is counted by outcome and timed, on the host's meter (the gateway exports it on /metrics).</summary>
    [Fact]
    public async Task Load_Warmups_CountedByOutcomeAndTimedOnTheMeter()
    {
        using var good = Rows(maxBatchSize: 8, """[ { "name": "zeros", "batchSize": 2, "count": 3, "inputs": { "x": { "dims": [4], "zeroData": true } } } ]""");
        using var bad = Rows(maxBatchSize: 8, """[ { "name": "odd", "inputs": { "x": { "dims": [3], "zeroData": true } } } ]""");
        using var meters = new OwnMeters();
        var measured = new List<(string Instrument, double Value, string Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name.StartsWith("maas.model.warmup", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string text = string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"));
            lock (measured)
            {
                measured.Add((instrument.Name, value, text));
            }
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        var metrics = new ModelMetrics(meters);

        foreach (var repo in new[] { good, bad })
        {
            var settings = Options.Create(new ServingOptions { RepositoryPath = repo.Root, ExecutionProvider = ExecutionProviderKind.Cpu });
            await using var registry = new ModelRegistry(settings, [new OnnxModelLoader(settings, NullLogger<OnnxModelLoader>.Instance)], metrics, NullLogger<ModelRegistry>.Instance);
            await registry.InitializeAsync(TestContext.Current.CancellationToken);
        }

        string all = string.Join("; ", measured);
        Assert.Equal([(1d, "model=rows,version=1,outcome=success"), (1d, "model=rows,version=1,outcome=error")],
            measured.Where(m => m.Instrument == "maas.model.warmups").Select(m => (m.Value, m.Tags)));
        var durations = measured.Where(m => m.Instrument == "maas.model.warmup.duration").ToList();
        Assert.True(durations.Count == 2 && durations.All(d => d.Value > 0 && d.Tags == "model=rows,version=1"), all);
    }

    /// <summary>A repository holding "rows" version 1: [rows, n] reshaped to [-1, 4] and summed per row, so n must be a multiple of 4 at run time.</summary>
    private static TestRepository Rows(int maxBatchSize, string warmup)
    {
        var repo = new TestRepository();
        var builder = new OnnxGraphBuilder("rows");
        builder.AddInput("x", OnnxElementType.Float, -1, -1);
        builder.AddNode("Reshape", ["x", builder.AddInitializer("quads", OnnxTensor.FromInt64s([-1, 4], 2))], ["quads_of_x"]);
        builder.AddNode("ReduceSum", ["quads_of_x", builder.AddInitializer("axes", OnnxTensor.FromInt64s([1], 1))], ["sum"], OnnxAttribute.Int("keepdims", 1));
        builder.AddOutput("sum", OnnxElementType.Float, -1, 1);
        repo.WriteModel("rows", 1, builder.ToBytes(), $$"""{ "maxBatchSize": {{maxBatchSize}}, "modelWarmup": {{warmup}} }""");
        return repo;
    }

    private static void WriteSample(TestRepository repo, string file, float[] values)
    {
        string folder = Directory.CreateDirectory(Path.Combine(repo.Root, "rows", "warmup")).FullName;
        File.WriteAllBytes(Path.Combine(folder, file), System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    /// <summary>A meter factory of the test's own, so the listener sees this test's instruments only.</summary>
    private sealed class OwnMeters : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
            _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}
