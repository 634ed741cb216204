namespace MaaS.Models.OpenInference;

/// <summary>Source-generated JSON for the Open Inference Protocol: snake_case names, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(V2ServerMetadataResponse))]
[JsonSerializable(typeof(V2ModelMetadataResponse))]
[JsonSerializable(typeof(V2ModelListResponse))]
[JsonSerializable(typeof(V2ModelConfigResponse))]
[JsonSerializable(typeof(V2ModelReadyResponse))]
[JsonSerializable(typeof(V2ErrorResponse))]
[JsonSerializable(typeof(V2InferRequest))]
[JsonSerializable(typeof(V2InferResponse))]
[JsonSerializable(typeof(V2RepositoryIndexRequest))]
[JsonSerializable(typeof(V2RepositoryIndexEntry[]))]
[JsonSerializable(typeof(V2SetDefaultVersionRequest))]
[JsonSerializable(typeof(V2StatisticsResponse))]
[JsonSerializable(typeof(Tracing.V2TraceSettings))]
[JsonSerializable(typeof(V2SharedMemoryRegisterRequest))]
[JsonSerializable(typeof(V2SharedMemoryRegionStatus[]))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
internal sealed partial class V2JsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context used for responses: like <see cref="JsonSerializerContext"/>'s default but without escaping quotes and
    /// non-ASCII in messages (bodies are application/json, never embedded in HTML).
    /// </summary>
    public static V2JsonContext Web => RelaxedHolder.Instance;

    // A holder class so the instance is built after the generated Default (static initialisation order across partial files is not defined).
    private static class RelaxedHolder
    {
        public static readonly V2JsonContext Instance = new(new JsonSerializerOptions(Default.Options)
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }
}
