namespace MaaS.Models.OpenInference;

// The parser sets a member to null only when the JSON says null (absent members keep their defaults), so each setter
// notes the first member given as null: V2NullCheck refuses them, since null is never a value in these bodies.

/// <summary>Inference request (<c>POST /v2/models/{name}[/versions/{v}]/infer</c>).</summary>
internal sealed record V2InferRequest
{
    /// <summary>Request id, echoed in the response.</summary>
    public string? Id { get; set => field = V2NullCheck.Note(value, "id", ref _null); }

    /// <summary>Request parameters (accepted, not interpreted).</summary>
    public Dictionary<string, JsonElement>? Parameters { get; set => field = V2NullCheck.Note(value, "parameters", ref _null); }

    /// <summary>Input tensors, one per model input.</summary>
    public List<V2InferInput> Inputs { get; set => field = V2NullCheck.Note(value, "inputs", ref _null); } = [];

    /// <summary>Outputs to return; all when absent.</summary>
    public List<V2RequestedOutput>? Outputs { get; set => field = V2NullCheck.Note(value, "outputs", ref _null); }

    /// <summary>The first member the JSON gave as null, or null.</summary>
    internal string? NullMember => _null;

    private string? _null;
}

/// <summary>An input tensor of an inference request.</summary>
[JsonConverter(typeof(V2InferInputConverter))]
internal sealed record V2InferInput
{
    /// <summary>Input name.</summary>
    public string Name { get; set => field = V2NullCheck.Note(value, "name", ref _null); } = "";

    /// <summary>Dimensions; their product is the element count.</summary>
    public long[]? Shape { get; set => field = V2NullCheck.Note(value, "shape", ref _null); }

    /// <summary>Protocol datatype: BOOL, UINT8, INT8, INT32, INT64, FP16, FP32, FP64, BYTES.</summary>
    public string Datatype { get; set => field = V2NullCheck.Note(value, "datatype", ref _null); } = "";

    /// <summary>Tensor parameters (accepted, not interpreted).</summary>
    public Dictionary<string, JsonElement>? Parameters { get; set => field = V2NullCheck.Note(value, "parameters", ref _null); }

    /// <summary>Elements in row-major order, flat or nested arrays; strings for BYTES, true/false for BOOL.</summary>
    public V2TensorData Data { get; set; }

    /// <summary>The first member the JSON gave as null (<c>data</c> is seen in <see cref="Data"/>), or null.</summary>
    internal string? NullMember => _null;

    private string? _null;
}

/// <summary>A requested output.</summary>
internal sealed record V2RequestedOutput
{
    /// <summary>Output name.</summary>
    public string Name { get; set => field = V2NullCheck.Note(value, "name", ref _null); } = "";

    /// <summary>Output parameters (accepted, not interpreted).</summary>
    public Dictionary<string, JsonElement>? Parameters { get; set => field = V2NullCheck.Note(value, "parameters", ref _null); }

    /// <summary>The first member the JSON gave as null, or null.</summary>
    internal string? NullMember => _null;

    private string? _null;
}

/// <summary>Inference response.</summary>
/// <param name="ModelName">Model that answered.</param>
/// <param name="ModelVersion">Version that answered.</param>
/// <param name="Id">The request id, when one was given.</param>
/// <param name="Outputs">Output tensors, in requested order.</param>
internal sealed record V2InferResponse(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("model_version")] string ModelVersion, string? Id, IReadOnlyList<V2InferOutput> Outputs);

/// <summary>An output tensor: flat row-major JSON data, or (binary tensor data extension) only its size in the body.</summary>
/// <param name="Name">Output name.</param>
/// <param name="Datatype">Protocol datatype.</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="Data">Flat elements (numbers, booleans or strings by datatype); null when sent as binary.</param>
/// <param name="Parameters"><c>binary_data_size</c> when the data follows the JSON as binary, the place when it went to shared memory; else null.</param>
internal sealed record V2InferOutput(
    string Name,
    string Datatype,
    long[] Shape,
    [property: JsonConverter(typeof(TensorDataJsonConverter))] Array? Data,
    V2OutputParameters? Parameters = null);

/// <summary>Parameters of an output answered without data: a binary one's size, or a shared memory one's place.</summary>
/// <param name="BinaryDataSize">Bytes of this output's data in the binary part of the response body; null for shared memory.</param>
internal sealed record V2OutputParameters(long? BinaryDataSize)
{
    /// <summary>The region the output was written to (system shared memory extension).</summary>
    public string? SharedMemoryRegion { get; init; }

    /// <summary>Bytes written there.</summary>
    public long? SharedMemoryByteSize { get; init; }

    /// <summary>Where they start in the region, when the request gave an offset other than 0.</summary>
    public long? SharedMemoryOffset { get; init; }
}
