namespace MaaS.Services.Admission;

/// <summary>
/// Admission of costed requests (section <c>Auth:Admission</c>): inference, text models, recommendations, events and
/// catalogue writes. Each request costs work units computed from its parsed body (see <see cref="WorkCosts"/>). A
/// partition is a tenant, or with authentication off a client address. The default budget is of the order of what a
/// two-core server does (measured: ~160,000 units/s of 32-row requests to the example MLP, ~100,000 of transformer
/// texts; docs/benchmarks.md), so on small machines a tenant is mostly held by its share of the work capacity, while
/// one tenant sending small tensors as fast as it can may be refused a little below the machine's capacity; size it
/// per deployment to sell quotas.
/// </summary>
public sealed class AdmissionOptions
{
    /// <summary>Work units a partition earns per second (its budget's refill). Default 100,000.</summary>
    [Range(0.01, 1e12)]
    public double CostPerSecond { get; set; } = 100_000;

    /// <summary>Most work units a partition can save up (its budget's size). Default 200,000.</summary>
    [Range(1, 1e12)]
    public double CostBurst { get; set; } = 200_000;

    /// <summary>
    /// Costed requests of one partition in flight at once: being read, waiting for work capacity and running. One more
    /// is refused (429) before its body is read, so this bounds the partition's queue. Default 64.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxConcurrentRequests { get; set; } = 64;

    /// <summary>
    /// Request bytes of one partition in flight at once (by Content-Length; a body without one is counted as it is
    /// read): parsed bodies wait in memory for work capacity, so this bounds the memory one partition's
    /// queue holds, and with it the garbage collector's work that every tenant waits on. A body larger than this
    /// runs alone. Default 16 MiB.
    /// </summary>
    [Range(1024, int.MaxValue)]
    public int MaxInFlightBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Work units running at once on this replica, all partitions together; 0 = 4,096 per processor. Default 0.</summary>
    [Range(0, long.MaxValue)]
    public long WorkCapacity { get; set; }

    /// <summary>Part of <see cref="WorkCapacity"/> one partition may run at once, in (0, 1]. Default 0.5.</summary>
    [Range(0.001, 1.0)]
    public double PartitionShare { get; set; } = 0.5;

    /// <summary>Work units per processor when <see cref="WorkCapacity"/> is 0.</summary>
    public const long UnitsPerProcessor = 4_096;

    /// <summary>The capacity in effect.</summary>
    public long EffectiveCapacity => WorkCapacity > 0 ? WorkCapacity : UnitsPerProcessor * Environment.ProcessorCount;

    /// <summary>Units one partition may run at once: its share of the capacity, at least 1.</summary>
    public long EffectiveShare => Math.Max(1, (long)(EffectiveCapacity * PartitionShare));
}
