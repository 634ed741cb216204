using MaaS.Recommendations.Kernels;

namespace MaaS.Benchmarks.Recommendations;

/// <summary>Each hand-written kernel against its scalar reference, at a neighbour-list length and an uneven large one.</summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private float[] _values = null!;
    private float[] _table = null!;
    private int[] _indices = null!;
    private float[] _accumulator = null!;
    private float[] _sparse = null!;
    private float[] _drainCopy = null!;
    private int[] _outIdx = null!;
    private float[] _outVal = null!;
    private sbyte[] _bytes = null!;
    private float[] _destination = null!;

    [Params(150, (6 * 512) + 7)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _values = Enumerable.Range(0, Length).Select(_ => (float)random.NextDouble()).ToArray();
        _table = Enumerable.Range(0, 62_423).Select(_ => (float)random.NextDouble()).ToArray();
        _indices = Enumerable.Range(0, 62_423).OrderBy(_ => random.Next()).Take(Length).ToArray();
        _accumulator = new float[62_423];
        _sparse = Enumerable.Range(0, Length * 8).Select(_ => random.NextDouble() < 0.05 ? 1f : 0f).ToArray();
        _drainCopy = new float[_sparse.Length];
        _outIdx = new int[_sparse.Length];
        _outVal = new float[_sparse.Length];
        _bytes = Enumerable.Range(0, Length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        _destination = new float[Length];
    }

    [Benchmark(Description = "IndexOfFirstGreater SIMD")]
    public int FindSimd() => IndexOfFirstGreater.Find(_values, 2f);

    [Benchmark(Description = "IndexOfFirstGreater scalar")]
    public int FindScalar() => IndexOfFirstGreater.FindScalar(_values, 2f);

    [Benchmark(Description = "CountGreater SIMD")]
    public int CountSimd() => CountGreater.Count(_values, 0.5f);

    [Benchmark(Description = "CountGreater scalar")]
    public int CountScalar() => CountGreater.CountScalar(_values, 0.5f);

    [Benchmark(Description = "ScatterAdd AVX2 gather")]
    public void ScatterSimd() => ScatterAdd.RunGatherUnchecked(_accumulator, _indices, _values, 0.5f);

    [Benchmark(Description = "ScatterAdd scalar unrolled (used)")]
    public void ScatterUnrolled() => ScatterAdd.RunUnchecked(_accumulator, _indices, _values, 0.5f);

    [Benchmark(Description = "ScatterAdd scalar")]
    public void ScatterScalar() => ScatterAdd.RunScalar(_accumulator, _indices, _values, 0.5f);

    [Benchmark(Description = "Gather SIMD")]
    public void GatherSimd() => Gather.RunUnchecked(_table, _indices, _destination);

    [Benchmark(Description = "Gather scalar")]
    public void GatherScalar() => Gather.RunScalar(_table, _indices, _destination);

    [Benchmark(Description = "CompactNonZero SIMD (8×length, 5% non-zero)")]
    public int DrainSimd()
    {
        _sparse.CopyTo(_drainCopy, 0);
        return CompactNonZero.Drain(_drainCopy, _outIdx, _outVal);
    }

    [Benchmark(Description = "CompactNonZero scalar (8×length, 5% non-zero)")]
    public int DrainScalar()
    {
        _sparse.CopyTo(_drainCopy, 0);
        return CompactNonZero.DrainScalar(_drainCopy, _outIdx, _outVal);
    }

    [Benchmark(Description = "DequantizeInt8 SIMD")]
    public void DequantizeSimd() => DequantizeInt8.Run(_bytes, 0.01f, _destination);

    [Benchmark(Description = "DequantizeInt8 scalar")]
    public void DequantizeScalar() => DequantizeInt8.RunScalar(_bytes, 0.01f, _destination);
}
