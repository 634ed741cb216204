namespace MaaS.Services.Embeddings;

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
