namespace MaaS.Models.OpenInference;

/// <summary>Model configuration (<c>GET /v2/models/{name}/config</c>), in the shape of Triton's model configuration.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Platform">Runtime platform.</param>
/// <param name="Backend">Backend name.</param>
/// <param name="MaxBatchSize">Largest batch per run; 0 = no batch axis (then dims include every axis).</param>
/// <param name="Input">Inputs; with a batch axis, dims omit it.</param>
/// <param name="Output">Outputs; with a batch axis, dims omit it.</param>
/// <param name="DynamicBatching">Batching settings when dynamic batching is on.</param>
/// <param name="InstanceGroup">When dynamic batching is on: how many batches run at once (model.json's <c>instances</c>).</param>
/// <param name="ResponseCache">When model.json enables the response cache: <c>{"enable": true}</c>.</param>
/// <param name="ModelWarmup">model.json's warmup samples, when it has any.</param>
/// <param name="EnsembleScheduling">An ensemble's steps (Triton's <c>ensemble_scheduling</c>).</param>
/// <param name="SequenceBatching">A stateful model's sequence batching (Triton's <c>sequence_batching</c>), instead of dynamic batching.</param>
internal sealed record V2ModelConfigResponse(
    string Name,
    string Platform,
    string Backend,
    [property: JsonPropertyName("max_batch_size")] int MaxBatchSize,
    IReadOnlyList<V2ConfigTensor> Input,
    IReadOnlyList<V2ConfigTensor> Output,
    [property: JsonPropertyName("dynamic_batching")] V2DynamicBatching? DynamicBatching,
    [property: JsonPropertyName("instance_group")] IReadOnlyList<V2InstanceGroup>? InstanceGroup = null,
    [property: JsonPropertyName("response_cache")] V2ResponseCache? ResponseCache = null,
    [property: JsonPropertyName("model_warmup")] IReadOnlyList<V2ModelWarmup>? ModelWarmup = null,
    [property: JsonPropertyName("ensemble_scheduling")] V2EnsembleScheduling? EnsembleScheduling = null,
    [property: JsonPropertyName("sequence_batching")] V2SequenceBatching? SequenceBatching = null);

/// <summary>Triton's <c>ModelEnsembling</c>: an ensemble's steps.</summary>
/// <param name="Step">The steps, as model.json lists them.</param>
internal sealed record V2EnsembleScheduling(IReadOnlyList<V2EnsembleStep> Step);

/// <summary>Triton's <c>ModelEnsembling.Step</c>.</summary>
/// <param name="ModelName">The member model.</param>
/// <param name="ModelVersion">The member's version; -1 for its default.</param>
/// <param name="InputMap">Member input name to the ensemble tensor it reads.</param>
/// <param name="OutputMap">Member output name to the ensemble tensor it writes.</param>
internal sealed record V2EnsembleStep(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("model_version")] long ModelVersion,
    [property: JsonPropertyName("input_map")] IReadOnlyDictionary<string, string> InputMap,
    [property: JsonPropertyName("output_map")] IReadOnlyDictionary<string, string> OutputMap);

/// <summary>A warmup request sample (Triton's <c>ModelWarmup</c>).</summary>
/// <param name="Name">The sample's name.</param>
/// <param name="BatchSize">Rows of the batch axis.</param>
/// <param name="Inputs">Every input, by name.</param>
/// <param name="Count">Runs; 0 runs it once.</param>
internal sealed record V2ModelWarmup(
    string Name,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    IReadOnlyDictionary<string, V2WarmupInput> Inputs,
    int Count);

/// <summary>One input of a warmup sample: its type, shape and where its values come from (one of the three).</summary>
/// <param name="Type">The input's datatype.</param>
/// <param name="Dims">Shape without the batch axis when the model batches.</param>
/// <param name="ZeroData">Zeros.</param>
/// <param name="RandomData">Random values.</param>
/// <param name="InputDataFile">A file in the model's warmup folder.</param>
internal sealed record V2WarmupInput(
    [property: JsonIgnore] TensorDataType Type,
    IReadOnlyList<long> Dims,
    [property: JsonPropertyName("zero_data")] bool? ZeroData,
    [property: JsonPropertyName("random_data")] bool? RandomData,
    [property: JsonPropertyName("input_data_file")] string? InputDataFile)
{
    /// <summary>Triton's type name (TYPE_FP32, TYPE_STRING...).</summary>
    [JsonPropertyName("data_type")]
    public string DataType => V2Mapping.ConfigTypeName(Type);
}

/// <summary>Triton's response cache setting of a model.</summary>
/// <param name="Enable">Answers are cached.</param>
internal sealed record V2ResponseCache(bool Enable);

/// <summary>A tensor in the model configuration.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="DataType">Triton type name (TYPE_FP32, TYPE_INT64, TYPE_STRING...).</param>
/// <param name="Dims">Dimensions without the batch axis when the model batches; -1 is variable.</param>
internal sealed record V2ConfigTensor(string Name, [property: JsonPropertyName("data_type")] string DataType, long[] Dims);

/// <summary>Dynamic batching settings.</summary>
/// <param name="MaxQueueDelayMicroseconds">How long the first request of a batch waits for others.</param>
/// <param name="MaxQueueSize">Requests allowed to wait before 429.</param>
/// <param name="Priorities">Triton's priority and queue policy fields, when the model sets any (V2QueuePolicy.cs).</param>
internal sealed record V2DynamicBatching(
    [property: JsonPropertyName("max_queue_delay_microseconds")] int MaxQueueDelayMicroseconds,
    [property: JsonPropertyName("max_queue_size")] int MaxQueueSize,
    [property: JsonIgnore] V2Priorities? Priorities = null)
{
    [JsonPropertyName("priority_levels")]
    public int? PriorityLevels => Priorities?.PriorityLevels;

    [JsonPropertyName("default_priority_level")]
    public int? DefaultPriorityLevel => Priorities?.DefaultPriorityLevel;

    [JsonPropertyName("default_queue_policy")]
    public V2QueuePolicy? DefaultQueuePolicy => Priorities?.DefaultQueuePolicy;

    [JsonPropertyName("priority_queue_policy")]
    public IReadOnlyDictionary<string, V2QueuePolicy>? PriorityQueuePolicy => Priorities?.PriorityQueuePolicy;
}

/// <summary>A group of model instances (Triton's <c>instance_group</c>): batches of the version that run at once.</summary>
/// <param name="Count">Instances.</param>
/// <param name="Kind">Where they run: <c>KIND_CPU</c> or <c>KIND_GPU</c>.</param>
internal sealed record V2InstanceGroup(int Count, string Kind);
