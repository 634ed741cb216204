using System.ComponentModel.DataAnnotations;

namespace MaaS.Models.Registry;

/// <summary>Model serving settings, bound from the <c>Serving</c> configuration section.</summary>
public sealed class ServingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Serving";

    /// <summary>
    /// Model repository folder of the bundled models; only read, so it may be mounted read-only. A relative path is
    /// resolved against the working directory, then its ancestors and the app's.
    /// </summary>
    [Required]
    public string RepositoryPath { get; set; } = "models";

    /// <summary>
    /// Writable folder that receives the models tenants publish (<c>POST /v1/models</c>), scanned like
    /// <see cref="RepositoryPath"/>; replicas that share it serve the same published versions. A model name found in
    /// both is served from <see cref="RepositoryPath"/>. Null or empty: published models go into
    /// <see cref="RepositoryPath"/> (one writable folder). A relative path is resolved against the working directory.
    /// </summary>
    public string? PublishedRepositoryPath { get; set; }

    /// <summary>Seconds between repository scans for new or removed version folders; 0 turns polling off.</summary>
    [Range(0, 86_400)]
    public double PollIntervalSeconds { get; set; }

    /// <summary>When polling loads a newer version, unload the older ones (in-flight requests finish on them first).</summary>
    public bool RetireSupersededVersions { get; set; }

    /// <summary>Execution provider for ONNX sessions.</summary>
    public ExecutionProviderKind ExecutionProvider { get; set; } = ExecutionProviderKind.Auto;

    /// <summary>CUDA device ordinal when the CUDA provider is used.</summary>
    [Range(0, 64)]
    public int CudaDeviceId { get; set; }

    /// <summary>Threads of the global intra-op pool shared by all sessions; 0 lets ONNX Runtime decide (one per core).</summary>
    [Range(0, 1024)]
    public int IntraOpNumThreads { get; set; }

    /// <summary>Threads of the global inter-op pool; 0 lets ONNX Runtime decide.</summary>
    [Range(0, 1024)]
    public int InterOpNumThreads { get; set; }

    /// <summary>ONNX Runtime graph optimisation level.</summary>
    public GraphOptimization GraphOptimization { get; set; } = GraphOptimization.All;

    /// <summary>Global switch for dynamic batching; false serves every request with its own session run.</summary>
    public bool DynamicBatching { get; set; } = true;

    /// <summary>
    /// Whether a small dense ONNX model (a chain of Gemm, MatMul, Add and activations, at most
    /// 16,384 weights) on the CPU is run by its managed twin, checked equal to ONNX Runtime at load, instead of an ONNX
    /// Runtime session run, whose fixed cost (~15 µs) is many times such a model's arithmetic. Default true.
    /// </summary>
    public bool ManagedTwins { get; set; } = true;

    /// <summary>
    /// Bytes the response cache may hold (Triton's <c>--cache-config local,size=</c>), for the models whose model.json
    /// enables <c>responseCache</c>; the least recently used answers go first. 0 turns the cache off for every model.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long ResponseCacheBytes { get; set; } = 64L << 20;

    /// <summary>
    /// Per-request inference timeout in milliseconds (queue + compute). It ends a request's wait in the queue, never a
    /// run already started; requests that start within a sixteenth of it share one deadline, so a request times out
    /// after between this and 17/16 of it.
    /// </summary>
    [Range(1, 3_600_000)]
    public int RequestTimeoutMilliseconds { get; set; } = 30_000;

    /// <summary>Circuit breaker per model version.</summary>
    [ValidateObjectMembers]
    public CircuitBreakerSettings CircuitBreaker { get; set; } = new();

    /// <summary>
    /// When models without a <c>loadPolicy</c> of their own are loaded: <c>Eager</c> (at start, the default) or
    /// <c>Lazy</c> (on their first request). See <see cref="ModelLoadPolicy"/>.
    /// </summary>
    [EnumDataType(typeof(ModelLoadPolicy))]
    public ModelLoadPolicy LoadPolicy { get; set; } = ModelLoadPolicy.Eager;

    /// <summary>
    /// How many model versions load at once (Triton's <c>--model-load-thread-count</c>): at start, on an explicit load
    /// and for each repository poll's changes. An ensemble loads after its members; a lazy model still waits for its
    /// first request. ONNX Runtime builds a session on one thread; 4, Triton's default, beat the core count on a 2-core
    /// box (docs/benchmarks.md), and each load in flight holds its model's memory at once.
    /// </summary>
    [Range(1, 64)]
    public int LoadParallelism { get; set; } = 4;

    /// <summary>
    /// When true, /v2/health/ready requires every model in the repository to be ready (Triton's strict readiness);
    /// a lazy model that has not had its first request yet does not count.
    /// </summary>
    public bool StrictReadiness { get; set; }
}

/// <summary>Circuit breaker per model version: too many failures take the version out of readiness for a while.</summary>
public sealed class CircuitBreakerSettings
{
    /// <summary>Failure ratio (0..1] within the sampling window that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed in the window before the ratio counts.</summary>
    [Range(2, int.MaxValue)]
    public int MinimumThroughput { get; set; } = 20;

    /// <summary>Sampling window in seconds.</summary>
    [Range(0.5, 3600)]
    public double SamplingDurationSeconds { get; set; } = 30;

    /// <summary>How long the circuit stays open, in seconds.</summary>
    [Range(0.5, 3600)]
    public double BreakDurationSeconds { get; set; } = 15;
}

/// <summary>Which execution provider ONNX sessions use.</summary>
public enum ExecutionProviderKind
{
    /// <summary>CUDA when ONNX Runtime lists it, otherwise CPU.</summary>
    Auto,
    /// <summary>CPU only.</summary>
    Cpu,
    /// <summary>CUDA; falls back to CPU with a warning when unavailable.</summary>
    Cuda,
}

/// <summary>ONNX Runtime graph optimisation levels.</summary>
public enum GraphOptimization
{
    /// <summary>No graph optimisation.</summary>
    None,
    /// <summary>Basic (constant folding, redundant node removal).</summary>
    Basic,
    /// <summary>Extended (fusions).</summary>
    Extended,
    /// <summary>All, including layout optimisations.</summary>
    All,
}

/// <summary>Validates <see cref="ServingOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
public sealed partial class ServingOptionsValidator : IValidateOptions<ServingOptions>;
