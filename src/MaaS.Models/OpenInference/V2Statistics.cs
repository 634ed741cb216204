namespace MaaS.Models.OpenInference;

/// <summary>Statistics response (Triton statistics extension).</summary>
/// <param name="ModelStats">One entry per loaded model version.</param>
internal sealed record V2StatisticsResponse([property: JsonPropertyName("model_stats")] IReadOnlyList<V2ModelStatistics> ModelStats);

/// <summary>Statistics of one model version.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="LastInference">Unix milliseconds of the last request (0 if none).</param>
/// <param name="InferenceCount">Rows inferred (a request of batch n counts n).</param>
/// <param name="ExecutionCount">Session runs (a merged batch counts once).</param>
/// <param name="InferenceStats">Cumulative durations by phase.</param>
/// <param name="BatchStats">Compute durations per batch size.</param>
internal sealed record V2ModelStatistics(
    string Name, string Version, [property: JsonPropertyName("last_inference")] long LastInference, [property: JsonPropertyName("inference_count")] long InferenceCount, [property: JsonPropertyName("execution_count")] long ExecutionCount,
    [property: JsonPropertyName("inference_stats")] V2InferenceStatistics InferenceStats, [property: JsonPropertyName("batch_stats")] IReadOnlyList<V2BatchStatistics> BatchStats);

/// <summary>Count and total nanoseconds.</summary>
/// <param name="Count">Events.</param>
/// <param name="Ns">Total nanoseconds.</param>
internal sealed record V2StatisticDuration(long Count, long Ns);

/// <summary>Durations by phase.</summary>
/// <param name="Success">Successful requests, end to end.</param>
/// <param name="Fail">Failed requests.</param>
/// <param name="Queue">Time in the batching queue.</param>
/// <param name="ComputeInput">Input preparation.</param>
/// <param name="ComputeInfer">Session run.</param>
/// <param name="ComputeOutput">Output extraction.</param>
/// <param name="CacheHit">Requests answered from the response cache (no run), and their lookups.</param>
/// <param name="CacheMiss">Requests of a cached model the cache could not answer, and their lookups and insertions.</param>
internal sealed record V2InferenceStatistics(
    V2StatisticDuration Success, V2StatisticDuration Fail, V2StatisticDuration Queue,
    [property: JsonPropertyName("compute_input")] V2StatisticDuration ComputeInput,
    [property: JsonPropertyName("compute_infer")] V2StatisticDuration ComputeInfer,
    [property: JsonPropertyName("compute_output")] V2StatisticDuration ComputeOutput,
    [property: JsonPropertyName("cache_hit")] V2StatisticDuration CacheHit,
    [property: JsonPropertyName("cache_miss")] V2StatisticDuration CacheMiss);

/// <summary>Compute durations of session runs of one batch size.</summary>
/// <param name="BatchSize">Rows per run.</param>
/// <param name="ComputeInput">Input preparation.</param>
/// <param name="ComputeInfer">Session run.</param>
/// <param name="ComputeOutput">Output extraction.</param>
internal sealed record V2BatchStatistics(
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("compute_input")] V2StatisticDuration ComputeInput,
    [property: JsonPropertyName("compute_infer")] V2StatisticDuration ComputeInfer,
    [property: JsonPropertyName("compute_output")] V2StatisticDuration ComputeOutput);
