namespace MaaS.Models.OpenInference;

/// <summary>Server metadata (<c>GET /v2</c>).</summary>
/// <param name="Name">Server name.</param>
/// <param name="Version">Server version.</param>
/// <param name="Extensions">Protocol extensions supported.</param>
internal sealed record V2ServerMetadataResponse(string Name, string Version, IReadOnlyList<string> Extensions);

/// <summary>A tensor in model metadata.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="Datatype">Protocol datatype (FP32, INT64, ...).</param>
/// <param name="Shape">Dimensions; -1 is variable.</param>
internal sealed record V2TensorMetadata(string Name, string Datatype, long[] Shape);

/// <summary>Model metadata (<c>GET /v2/models/{name}[/versions/{v}]</c>).</summary>
/// <param name="Name">Model name.</param>
/// <param name="Versions">Loaded versions (or the one requested).</param>
/// <param name="Platform">Runtime platform, e.g. onnxruntime_onnx.</param>
/// <param name="Inputs">Declared inputs.</param>
/// <param name="Outputs">Declared outputs.</param>
/// <param name="Parameters">MaaS extras (clients written for Triton ignore them).</param>
internal sealed record V2ModelMetadataResponse(
    string Name,
    IReadOnlyList<string> Versions,
    string Platform,
    IReadOnlyList<V2TensorMetadata> Inputs,
    IReadOnlyList<V2TensorMetadata> Outputs,
    V2ModelParameters? Parameters);

/// <summary>MaaS extras in model metadata.</summary>
/// <param name="Task">What the model does.</param>
/// <param name="Description">Free text.</param>
/// <param name="Labels">Output classes in output order.</param>
/// <param name="Tags">Search tags.</param>
/// <param name="DefaultVersion">Version served without a version in the path.</param>
/// <param name="MaxBatchSize">Largest batch per run; 0 = no batch axis.</param>
/// <param name="DynamicBatching">Whether concurrent requests are merged.</param>
/// <param name="ExecutionProvider">ONNX Runtime execution provider in use.</param>
/// <param name="Card">The version's card.json.</param>
/// <param name="ConfigError">Why the model.json on disk is refused; the last good one serves meanwhile. Absent when none.</param>
internal sealed record V2ModelParameters(
    string? Task,
    string? Description,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Tags,
    [property: JsonPropertyName("default_version")] string? DefaultVersion,
    [property: JsonPropertyName("max_batch_size")] int MaxBatchSize,
    [property: JsonPropertyName("dynamic_batching")] bool DynamicBatching,
    [property: JsonPropertyName("execution_provider")] string? ExecutionProvider,
    JsonElement? Card,
    [property: JsonPropertyName("config_error")] string? ConfigError = null);

/// <summary>One model in <c>GET /v2/models</c>.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Versions">Known versions.</param>
/// <param name="DefaultVersion">Version served without a version in the path.</param>
/// <param name="Platform">Runtime platform of the default version.</param>
/// <param name="Ready">The default version is ready.</param>
/// <param name="Reason">Why not, if not.</param>
internal sealed record V2ModelListEntry(string Name, IReadOnlyList<string> Versions, [property: JsonPropertyName("default_version")] string? DefaultVersion, string? Platform, bool Ready, string? Reason);

/// <summary><c>GET /v2/models</c>.</summary>
/// <param name="Models">Every model the registry knows.</param>
internal sealed record V2ModelListResponse(IReadOnlyList<V2ModelListEntry> Models);

/// <summary>Model readiness (body of <c>GET .../ready</c>; the status code carries the answer).</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version checked, if given.</param>
/// <param name="Ready">Whether it is ready.</param>
internal sealed record V2ModelReadyResponse(string Name, string? Version, bool Ready);

/// <summary>Error body of every V2 failure.</summary>
/// <param name="Error">What went wrong.</param>
internal sealed record V2ErrorResponse(string Error);
