using MaaS.Models.Examples;
using MaaS.Models.OpenInference;
using MaaS.TestSupport.Models;

namespace MaaS.Benchmarks.Serving;

/// <summary>
/// What the serving path adds on top of a bare session run, for one request of <see cref="Rows"/> rows of example-mlp:
/// raw <c>InferenceSession.Run</c> (OrtValue API), the registry's inference path without batching (lease, validation,
/// circuit breaker, timeout, stats, metrics), and decoding the V2 JSON body into tensors.
/// </summary>
[MemoryDiagnoser]
public class InferencePathBenchmarks
{
    private string _root = "";
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue _input = null!;
    private ModelRegistry _registry = null!;
    private ModelInference _inference = null!;
    private InferenceRequest _request = null!;
    private byte[] _body = [];

    [Params(1, 64)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("maas-bench-").FullName;
        ExampleMlp.WriteTo(_root);
        float[] x = [.. Enumerable.Range(0, Rows * ExampleMlp.InputSize).Select(i => MathF.Sin(i))];
        _registry = Registries.Create(_root, o => o.DynamicBatching = false);
        _registry.InitializeAsync().GetAwaiter().GetResult();
        _inference = Registries.Inference(_registry);
        _request = new InferenceRequest([InferTensor.Fp32(ExampleMlp.Input, x, Rows, ExampleMlp.InputSize)]);
        _session = new InferenceSession(Path.Combine(_root, ExampleMlp.Name, "1", "model.onnx"));
        _runOptions = new RunOptions();
        _input = OrtValue.CreateTensorValueFromMemory(x, [Rows, ExampleMlp.InputSize]);
        _body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            inputs = new[] { new { name = "input", shape = new[] { Rows, 8 }, datatype = "FP32", data = x } },
        }));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _input.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public int SessionRun()
    {
        using var results = _session.Run(_runOptions, [ExampleMlp.Input], [_input], [ExampleMlp.Logits, ExampleMlp.Probabilities]);
        return results.Count;
    }

    [Benchmark]
    public async Task<int> RegistryInfer()
    {
        var result = await _inference.InferAsync(ExampleMlp.Name, null, _request);
        return result.Value!.Outputs.Count;
    }

    [Benchmark]
    public int DecodeV2Json()
    {
        var request = JsonSerializer.Deserialize(_body, V2JsonContext.Default.V2InferRequest)!;
        return V2TensorCodec.DecodeAll(request.Inputs, [], hasBinaryPart: false).Value[0].Data.Length;
    }
}
