namespace MaaS.Models.Registry;

/// <summary>
/// A model's <c>model.json</c> (see MODEL-REPO.md): model-level settings shared by all its versions. Setters exist for the
/// JSON source generator (it does not keep initialiser defaults of init-only properties); treat instances as immutable.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>What the model does: sentiment, tagging, classification, regression, recommendation...</summary>
    public string? Task { get; set; }

    /// <summary>Artifact format; picks the loader. Default <c>onnx</c>.</summary>
    public string Format { get; set; } = "onnx";

    /// <summary>Free text for people.</summary>
    public string? Description { get; set; }

    /// <summary>Who maintains it; <c>tenant:&lt;t&gt;</c> (<see cref="TenantOwnerPrefix"/>) marks a model a tenant published.</summary>
    public string? Owner { get; set; }

    /// <summary>The <see cref="Owner"/> prefix of a model published by a tenant through the market.</summary>
    public const string TenantOwnerPrefix = "tenant:";

    /// <summary>Search tags.</summary>
    public IReadOnlyList<string> Tags { get; set; } = [];

    /// <summary>Output classes in output order, where meaningful.</summary>
    public IReadOnlyList<string> Labels { get; set; } = [];

    /// <summary>Version served when a request names none; null means the highest loaded version.</summary>
    public long? DefaultVersion { get; set; }

    /// <summary>Largest batch (axis 0) one session run may take; 0 means the model takes no batch axis (no dynamic batching).</summary>
    public int MaxBatchSize { get; set; }

    /// <summary>Dynamic batching settings; used only when <see cref="MaxBatchSize"/> &gt; 0.</summary>
    public DynamicBatchingConfig DynamicBatching { get; set; } = new();

    /// <summary>
    /// <c>eager</c> (load at start) or <c>lazy</c> (load on the first request); null follows the repository-wide
    /// <see cref="ServingOptions.LoadPolicy"/>.
    /// </summary>
    public ModelLoadPolicy? LoadPolicy { get; set; }

    /// <summary>
    /// Intra-op threads of this model's own ONNX Runtime pool (Triton's per-model <c>intra_op_thread_count</c>); null
    /// shares the process-wide pool of <see cref="ServingOptions.IntraOpNumThreads"/>. 1 runs each session run on its
    /// caller's thread: for small runs that many requests make at once (a search query's few word pieces), splitting
    /// every operator over the cores costs more in hand-offs than it saves.
    /// </summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>
    /// Batches of one version the dynamic batcher runs at once (Triton's <c>instance_group { count }</c>); default 1. An
    /// ONNX Runtime session takes concurrent runs, so instances share one loaded session and its memory. More than one
    /// pays where a run does not fill the cores by itself (a transformer's run of a few short queries, whose operators
    /// are too small to split): the next batch runs beside it instead of queueing behind it. Each instance's run still
    /// spreads over the intra-op pool it has, so with more instances than cores give the model a small pool of its
    /// own (<see cref="IntraOpThreads"/>).
    /// </summary>
    public int? Instances { get; set; }

    /// <summary>Most <see cref="Instances"/> a model may ask for.</summary>
    public const int MaxInstances = 64;

    /// <summary>
    /// Triton's <c>response_cache</c>: with <c>{"enable": true}</c> an answer is kept in the gateway's response cache
    /// (<see cref="ServingOptions.ResponseCacheBytes"/>) and a request with the same inputs and outputs is answered from
    /// it without a run. Only for a model whose answer depends on its inputs alone. Off by default.
    /// </summary>
    public ResponseCacheConfig? ResponseCache { get; set; }

    /// <summary>
    /// Triton's <c>model_warmup</c>: request samples every version runs, in order, after it loads and before it serves,
    /// so that its first requests do not pay for the runtime's first runs (memory arenas, kernel choice); a sample that
    /// fails fails the load, as in Triton. None by default.
    /// </summary>
    public IReadOnlyList<ModelWarmupSample> ModelWarmup { get; set; } = [];

    /// <summary>
    /// An ensemble's declared inputs (Triton's <c>input</c>), for <c>"format": "ensemble"</c>; other formats read
    /// theirs from the artifact. With <see cref="MaxBatchSize"/> &gt; 0 the dims leave out the batch axis, as in Triton.
    /// </summary>
    public IReadOnlyList<ModelTensorConfig> Input { get; set; } = [];

    /// <summary>An ensemble's declared outputs (Triton's <c>output</c>); see <see cref="Input"/>.</summary>
    public IReadOnlyList<ModelTensorConfig> Output { get; set; } = [];

    /// <summary>The steps of an ensemble (Triton's <c>ensemble_scheduling</c>); only with <c>"format": "ensemble"</c>.</summary>
    public EnsembleSchedulingConfig? EnsembleScheduling { get; set; }

    /// <summary>
    /// Triton's <c>sequence_batching</c>: a stateful model whose requests belong to sequences, with control inputs and
    /// implicit state the server supplies (<see cref="SequenceBatchingConfig"/>). Null for every other model.
    /// </summary>
    public SequenceBatchingConfig? SequenceBatching { get; set; }
}

/// <summary>One warmup request sample (Triton's <c>ModelWarmup</c>).</summary>
public sealed record ModelWarmupSample
{
    /// <summary>The sample's name, for logs and errors.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Rows of the batch axis (the inputs repeated); 1 for a model without one (<see cref="ModelConfig.MaxBatchSize"/> 0).</summary>
    public int BatchSize { get; set; } = 1;

    /// <summary>Every input of the model, by name.</summary>
    public IReadOnlyDictionary<string, ModelWarmupInput> Inputs { get; set; } = new Dictionary<string, ModelWarmupInput>();

    /// <summary>Runs of the sample; 0 (Triton's default) runs it once.</summary>
    public int Count { get; set; }
}

/// <summary>One input of a warmup sample (Triton's <c>ModelWarmup.Input</c>): its shape and where its values come from, exactly one of three.</summary>
public sealed record ModelWarmupInput
{
    /// <summary>The protocol's datatype (FP32, INT64, BYTES...; Triton's TYPE_ names too); null takes the model's.</summary>
    public string? DataType { get; set; }

    /// <summary>The shape without the batch axis when the model batches; every dimension fixed (≥ 1).</summary>
    public IReadOnlyList<long> Dims { get; set; } = [];

    /// <summary>Zeros (empty strings for BYTES).</summary>
    public bool? ZeroData { get; set; }

    /// <summary>Seeded random values: numbers in [0, 1) (integers 0 or 1), random true/false; BYTES falls back to zero data, as in Triton.</summary>
    public bool? RandomData { get; set; }

    /// <summary>
    /// A file in the model's <c>warmup</c> folder with the values in row-major order, as the binary tensor extension
    /// writes them (little-endian numbers; each BYTES element a 4-byte length and its bytes), one sample's worth
    /// (repeated for every row of the batch).
    /// </summary>
    public string? InputDataFile { get; set; }
}

/// <summary>The response cache setting of one model (Triton's <c>ModelResponseCache</c>).</summary>
public sealed record ResponseCacheConfig
{
    /// <summary>Whether the model's answers are cached.</summary>
    public bool Enable { get; set; }
}

/// <summary>Dynamic batching settings of one model (Triton's priority and queue policy settings: QueuePolicyConfig.cs).</summary>
public sealed partial record DynamicBatchingConfig
{
    /// <summary>Merge concurrent requests into one run.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long the first request of a batch may wait for others, in microseconds.</summary>
    public int MaxQueueDelayMicroseconds { get; set; } = 500;

    /// <summary>Requests allowed to wait; one more is refused (429). Also bounds concurrent direct runs.</summary>
    public int MaxQueueSize { get; set; } = 1024;
}

/// <summary>Reads model.json.</summary>
public static class ModelConfigReader
{
    /// <summary>Parses model.json text; returns an error message instead of throwing on bad content.</summary>
    public static ModelConfig? TryParse(string json, out string? error)
    {
        try
        {
            var config = JsonSerializer.Deserialize(json, ModelJsonContext.Default.ModelConfig);
            if (config is null)
            {
                error = "model.json is empty (null).";
                return null;
            }

            error = Validate(config);
            return error is null ? config : null;
        }
        catch (JsonException e)
        {
            error = $"model.json is not valid: {e.Message}";
            return null;
        }
    }

    private static string? Validate(ModelConfig config)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(config.Format))
        {
            errors.Add("format must not be empty");
        }

        if (config.MaxBatchSize < 0)
        {
            errors.Add("maxBatchSize must be >= 0");
        }

        if (config.DefaultVersion is <= 0)
        {
            errors.Add("defaultVersion must be a positive integer");
        }

        if (config.DynamicBatching.MaxQueueDelayMicroseconds < 0)
        {
            errors.Add("dynamicBatching.maxQueueDelayMicroseconds must be >= 0");
        }

        if (config.DynamicBatching.MaxQueueSize <= 0)
        {
            errors.Add("dynamicBatching.maxQueueSize must be > 0");
        }

        if (config.IntraOpThreads is < 1 or > 1024)
        {
            errors.Add("intraOpThreads must be between 1 and 1024");
        }

        if (config.Instances is < 1 or > ModelConfig.MaxInstances)
        {
            errors.Add($"instances must be between 1 and {ModelConfig.MaxInstances}");
        }

        errors.AddRange(Registry.ModelWarmup.Check(config));
        errors.AddRange(config.DynamicBatching.CheckPriorities());
        errors.AddRange(EnsembleConfigCheck.Check(config));
        errors.AddRange(config.SequenceBatching?.Check(config) ?? []);
        return errors.Count == 0 ? null : $"model.json is not valid: {string.Join("; ", errors)}.";
    }
}

[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelConfig))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ModelJsonContext : JsonSerializerContext;
