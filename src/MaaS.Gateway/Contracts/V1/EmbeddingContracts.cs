namespace MaaS.Gateway.Contracts.V1;

/// <summary><c>POST /v1/embeddings</c> body, in the OpenAI embeddings shape.</summary>
/// <param name="Input">A string, or an array of 1..2048 strings (token arrays are refused: send text).</param>
/// <param name="Model">Model name; default <c>all-minilm-l6-v2</c>.</param>
/// <param name="EncodingFormat"><c>float</c> (default): numbers; <c>base64</c>: the little-endian float32 bytes.</param>
/// <param name="Dimensions">Accepted when it equals the model's dimensions; shortened embeddings are refused.</param>
/// <param name="User">End-user id, as OpenAI takes it; accepted and ignored (never logged).</param>
public sealed record EmbeddingsRequest(
    [property: JsonPropertyName("input")] JsonElement Input,
    [property: JsonPropertyName("model")] string? Model = null,
    [property: JsonPropertyName("encoding_format")] string? EncodingFormat = null,
    [property: JsonPropertyName("dimensions")] int? Dimensions = null,
    [property: JsonPropertyName("user")] string? User = null)
    : IRequestBody<EmbeddingsRequest>, IWorkCost
{
    long IWorkCost.WorkCost => WorkCosts.Embeddings(Input);

    static AcceptsMetadata IRequestBody<EmbeddingsRequest>.Accepts => JsonBody.Accepts<EmbeddingsRequest>("application/json");

    static ValueTask<Result<EmbeddingsRequest>> IRequestBody<EmbeddingsRequest>.ReadAsync(HttpRequest request) =>
        JsonBody.ReadAsync(request, V1EmbeddingsJsonContext.Default.EmbeddingsRequest);
}

/// <summary><c>POST /v1/embeddings</c> answer, in the OpenAI embeddings shape.</summary>
/// <param name="Data">One embedding per input, in input order.</param>
/// <param name="Model">Model that answered.</param>
/// <param name="Usage">Word pieces read.</param>
public sealed record EmbeddingsResponse(
    [property: JsonPropertyName("data")] IReadOnlyList<EmbeddingData> Data,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("usage")] EmbeddingsUsage Usage)
{
    /// <summary>Always <c>list</c>.</summary>
    [JsonPropertyName("object")]
    public string Object => "list";
}

/// <summary>One embedding.</summary>
/// <param name="Index">Position of its input.</param>
/// <param name="Embedding">A float array, or a base64 string of little-endian float32 bytes.</param>
public sealed record EmbeddingData(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("embedding")] object Embedding)
{
    /// <summary>Always <c>embedding</c>.</summary>
    [JsonPropertyName("object")]
    public string Object => "embedding";
}

/// <summary>Word pieces read, special tokens included; a text cut at the model's limit counts the pieces kept.</summary>
/// <param name="PromptTokens">Word pieces embedded.</param>
/// <param name="TotalTokens">The same (embeddings produce no tokens).</param>
/// <param name="TruncatedInputs">Indices of the inputs cut at the model's token limit; absent when none was.</param>
public sealed record EmbeddingsUsage(
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("total_tokens")] long TotalTokens,
    [property: JsonPropertyName("truncated_inputs")] IReadOnlyList<int>? TruncatedInputs);

/// <summary>Source-generated JSON for the /v1 embeddings contracts (OpenAI's snake_case names are on the members).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EmbeddingsRequest))]
[JsonSerializable(typeof(EmbeddingsResponse))]
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(string))]
public sealed partial class V1EmbeddingsJsonContext : JsonSerializerContext;
