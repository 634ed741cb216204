using MaaS.Models.Examples;
using MaaS.TestSupport.Models;

namespace MaaS.Benchmarks.Serving;

/// <summary>
/// The version resolution of a request that names no version: a lease on example-mlp's default and its release, with
/// no version policy (the hot path, which must stay allocation-free) and with a canary at 10 % (drawn per request, and
/// from a sequence's id). Compared with main by running <see cref="Acquire_NoPolicy"/> in both trees.
/// </summary>
[MemoryDiagnoser]
public class VersionResolutionBenchmarks
{
    private string _root = "";
    private ModelRegistry _plain = null!;
    private ModelRegistry _canary = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("maas-bench-").FullName;
        ExampleMlp.WriteTo(_root, 1);
        ExampleMlp.WriteTo(_root, 2);
        _plain = Registries.Create(_root, o => o.DynamicBatching = false);
        _plain.InitializeAsync().GetAwaiter().GetResult();
        _canary = Registries.Create(_root, o => o.DynamicBatching = false);
        _canary.InitializeAsync().GetAwaiter().GetResult();
        if (!_canary.SetVersionPolicyAsync(ExampleMlp.Name, new VersionPolicy(1, new VersionCanary(2, 10))).GetAwaiter().GetResult().IsSuccess)
        {
            throw new InvalidOperationException("the canary was refused");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _canary.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public long Acquire_NoPolicy()
    {
        using var lease = _plain.Acquire(ExampleMlp.Name).Value!;
        return lease.Version;
    }

    [Benchmark]
    public long Acquire_Canary10()
    {
        using var lease = _canary.Acquire(ExampleMlp.Name).Value!;
        return lease.Version;
    }

    [Benchmark]
    public long Acquire_Canary10_Sequence()
    {
        using var lease = _canary.Acquire(ExampleMlp.Name, null, VersionCanary.DrawOf(42, null)).Value!;
        return lease.Version;
    }
}
