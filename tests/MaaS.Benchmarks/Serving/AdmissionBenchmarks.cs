using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using MaaS.Services.Admission;

namespace MaaS.Benchmarks.Serving;

/// <summary>
/// What a costed request's admission checks cost beside its partition's budget: the place in flight and the body's
/// in-flight bytes, taken and given back. <see cref="FrameworkLimiters"/> is what admission did before (the framework's
/// partitioned concurrency limiters, one for the count and one for the bytes, each finding its partition under a lock
/// and acquiring and releasing under another, the budget in a dictionary of its own); <see cref="PartitionState"/> is
/// <see cref="PartitionAdmission"/> (one lookup, compare-and-swaps). Each invocation runs <see cref="Threads"/> threads
/// of <see cref="PerThread"/> requests on one partition, as a tenant's requests arrive on the pool's threads.
/// </summary>
[MemoryDiagnoser]
public class AdmissionBenchmarks
{
    private const int PerThread = 20_000;
    private const string Key = "tenant:acme";
    private readonly ConcurrentDictionary<string, CostBucket> _budgets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PartitionAdmission> _partitions = new(StringComparer.Ordinal);
    private PartitionedRateLimiter<string> _inFlight = null!;
    private PartitionedRateLimiter<string> _inFlightBytes = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var permits = new ConcurrencyLimiterOptions { PermitLimit = 64, QueueLimit = 0 };
        Func<string, RateLimiter> newInFlight = _ => new ConcurrencyLimiter(permits);
        _inFlight = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.Get(key, newInFlight));
        var bytes = new ConcurrencyLimiterOptions { PermitLimit = 1 << 26, QueueLimit = 0 };
        Func<string, RateLimiter> newInFlightBytes = _ => new ConcurrencyLimiter(bytes);
        _inFlightBytes = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.Get(key, newInFlightBytes));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _inFlight.Dispose();
        _inFlightBytes.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PerThread)]
    public long FrameworkLimiters() => Run(() =>
    {
        long held = 0;
        for (int i = 0; i < PerThread; i++)
        {
            var budget = _budgets.GetOrAdd(Key, static _ => new CostBucket(1_000_000, 2_000_000, TimeProvider.System));
            using var place = _inFlight.AttemptAcquire(Key);
            using var body = _inFlightBytes.AttemptAcquire(Key, 200);
            held += place.IsAcquired && body.IsAcquired && budget.TryOpen(out _) ? 1 : 0;
        }

        return held;
    });

    [Benchmark(OperationsPerInvoke = PerThread)]
    public long PartitionState() => Run(() =>
    {
        long held = 0;
        for (int i = 0; i < PerThread; i++)
        {
            var state = _partitions.GetOrAdd(Key, static _ => new PartitionAdmission(new CostBucket(1_000_000, 2_000_000, TimeProvider.System)));
            bool place = state.TryTakeRequest(64), body = state.TryTakeBytes(200, 1 << 26);
            held += place && body && state.Budget.TryOpen(out _) ? 1 : 0;
            if (body)
            {
                state.ReleaseBytes(200);
            }

            if (place)
            {
                state.ReleaseRequest();
            }
        }

        return held;
    });

    private long Run(Func<long> work)
    {
        if (Threads == 1)
        {
            return work();
        }

        var runs = new Task<long>[Threads];
        for (int t = 0; t < Threads; t++)
        {
            runs[t] = Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        return Task.WhenAll(runs).GetAwaiter().GetResult().Sum();
    }
}
