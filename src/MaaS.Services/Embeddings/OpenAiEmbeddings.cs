using System.Runtime.InteropServices;
using MaaS.Models.Embeddings;

namespace MaaS.Services.Embeddings;

/// <summary>
/// OpenAI's embeddings shape over <see cref="EmbeddingService"/>: what <c>input</c> and <c>encoding_format</c> may be,
/// and the answer built from an embedded batch, so that OpenAI's client libraries work against the hosts.
/// </summary>
internal static class OpenAiEmbeddings
{
    /// <summary>Whether the answer carries base64 (little-endian float32 bytes) rather than numbers.</summary>
    public static Result<bool> Base64(string? encodingFormat) => encodingFormat switch
    {
        null or "float" => false,
        "base64" => true,
        _ => Error.InvalidField("encoding_format", $"encoding_format must be 'float' or 'base64', not '{encodingFormat}'"),
    };

    /// <summary>
    /// The texts of <c>input</c>, a string or an array of strings. Arrays of token ids (OpenAI's own vocabulary) mean
    /// nothing to these models and are refused.
    /// </summary>
    public static Result<IReadOnlyList<string?>> Texts(JsonElement input)
    {
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                return new[] { input.GetString() };
            case JsonValueKind.Array:
                var texts = new List<string?>(input.GetArrayLength());
                foreach (var item in input.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        return Error.InvalidField($"input[{texts.Count}]", item.ValueKind is JsonValueKind.Number or JsonValueKind.Array
                            ? $"input[{texts.Count}] is a token array; send text: these models tokenise it themselves"
                            : $"input[{texts.Count}] is {Describe(item.ValueKind)}; every input must be a string");
                    }

                    texts.Add(item.GetString());
                }

                return texts;
            case JsonValueKind.Undefined:
                return Error.InvalidField("input", "'input' is required: a string or an array of strings");
            default:
                return Error.InvalidField("input", $"'input' is {Describe(input.ValueKind)}; give a string or an array of strings");
        }
    }

    /// <summary>The answer: one embedding per input in input order, the word pieces read, the inputs cut at the model's limit.</summary>
    public static EmbeddingsResponse Answer(EmbeddingBatch batch, bool base64)
    {
        var data = new EmbeddingData[batch.Count];
        List<int>? truncated = null;
        long tokens = 0;
        for (int i = 0; i < data.Length; i++)
        {
            var vector = batch[i];
            data[i] = new EmbeddingData(i, base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.Span)) : vector.ToArray());
            tokens += batch.Tokens[i];
            if (batch.Truncated[i])
            {
                (truncated ??= []).Add(i);
            }
        }

        return new EmbeddingsResponse(data, batch.Model, new EmbeddingsUsage(tokens, tokens, truncated));
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
