using System.Text.Json.Serialization.Metadata;
using MaaS.Services.Embeddings;

namespace MaaS.Gateway.Contracts.V1;

/// <summary><c>POST /v1/embeddings</c> body, in the OpenAI embeddings shape.</summary>
/// <param name="Input">A string, or an array of 1..2048 strings (token arrays are refused: send text).</param>
/// <param name="Model">Model name; default <c>all-minilm-l6-v2</c>.</param>
/// <param name="EncodingFormat"><c>float</c> (default): numbers; <c>base64</c>: the little-endian float32 bytes.</param>
/// <param name="Dimensions">Accepted when it equals the model's dimensions; shortened embeddings are refused.</param>
/// <param name="User">End-user id, as OpenAI takes it; accepted and ignored (never logged).</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EmbeddingsRequest(
    [property: JsonPropertyName("input")] JsonElement Input,
    [property: JsonPropertyName("model")] string? Model = null,
    [property: JsonPropertyName("encoding_format")] string? EncodingFormat = null,
    [property: JsonPropertyName("dimensions")] int? Dimensions = null,
    [property: JsonPropertyName("user")] string? User = null)
    : IJsonRequestBody<EmbeddingsRequest>, IWorkCost
{
    long IWorkCost.WorkCost => WorkCosts.Embeddings(Input);

    static JsonTypeInfo<EmbeddingsRequest> IJsonRequestBody<EmbeddingsRequest>.JsonType => V1EmbeddingsJsonContext.Default.EmbeddingsRequest;
}

/// <summary>Source-generated JSON for OpenAI's shapes: the embeddings contracts and the models list (OpenAI's snake_case names are on the members).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(EmbeddingsRequest))]
[JsonSerializable(typeof(EmbeddingsResponse))]
[JsonSerializable(typeof(OpenAiModelList))]
[JsonSerializable(typeof(OpenAiModel))]
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(string))]
public sealed partial class V1EmbeddingsJsonContext : JsonSerializerContext;
