using MaaS.Models.Examples;
using MaaS.Models.Onnx;
using MaaS.TestSupport.Models;

namespace MaaS.Benchmarks.Serving;

/// <summary>
/// One run of an 8→<see cref="Hidden"/>→3 MLP (11 × Hidden weights) of <see cref="Rows"/> rows, by its ONNX Runtime
/// session and by its managed twin (<see cref="DenseTwin"/>), to place the twin's bounds: where the session's fixed cost
/// stops outweighing the twin's arithmetic.
/// </summary>
[MemoryDiagnoser]
public class DenseTwinBenchmarks
{
    private readonly string[] _outputs = [ExampleMlp.Logits, ExampleMlp.Probabilities];

    [Params(16, 256, 1024)]
    public int Hidden { get; set; }

    [Params(1, 8, 64)]
    public int Rows { get; set; }

    private TestRepository _repository = null!;
    private ModelRegistry _registry = null!;
    private OnnxModel _model = null!;
    private InferTensor[] _inputs = [];
    private float[] _x = [];

    [GlobalSetup]
    public void Setup()
    {
        _repository = new TestRepository();
        _repository.WriteModel("mlp", 1, ExampleMlp.BuildOnnx([Hidden]), """{ "maxBatchSize": 64 }""");
        _registry = Registries.Create(_repository.Root);
        _registry.InitializeAsync().GetAwaiter().GetResult();
        var lease = _registry.Acquire("mlp").Value;
        _model = (OnnxModel)lease.Model;
        lease.Dispose();
        _x = [.. Enumerable.Range(0, Rows * ExampleMlp.InputSize).Select(i => MathF.Sin(i))];
        _inputs = [InferTensor.Fp32(ExampleMlp.Input, _x, Rows, ExampleMlp.InputSize)];
        if (_model.Twin is null)
        {
            throw new InvalidOperationException($"8→{Hidden}→3 has no twin");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _registry.Dispose();
        _repository.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int Session() => _model.RunSession(_inputs, _outputs, out _).Length;

    [Benchmark]
    public int Twin() => _model.Twin!.Run(_x, Rows, _outputs).Length;
}
