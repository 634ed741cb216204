using System.Runtime.InteropServices;
using MaaS.Models.Embeddings;
using Serilog;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// <c>POST /v1/embeddings</c>: the OpenAI embeddings API over the registry's sentence-embedding models, so OpenAI's
/// client libraries work with their endpoint set to the gateway and the app key as their API key (sent as Bearer).
/// </summary>
internal static class EmbeddingsEndpoints
{
    /// <summary>Model used when the request names none.</summary>
    public const string DefaultModel = "all-minilm-l6-v2";

    private const string Description =
        "OpenAI's embeddings shape: 'input' is a string or an array of 1..2048 non-empty strings (token arrays are refused), 'model' a " +
        "sentence-embedding model of the registry (default all-minilm-l6-v2), 'encoding_format' float (default) or base64 (little-endian " +
        "float32 bytes), 'dimensions' only the model's own (384; its embeddings cannot be shortened), 'user' is ignored. Each embedding has " +
        "unit length. A text longer than the model's limit (256 word pieces) is cut: 'usage.truncated_inputs' lists it and 'usage' counts the " +
        "pieces kept. Errors are ProblemDetails: 400 bad input, 404 unknown model, 429 queue full, 503 not ready, 504 timeout.";

    public static IEndpointRouteBuilder MapEmbeddingsV1(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/embeddings").WithTags(ApiTags.Text).RequireAuthorization(MaaSPolicies.App)
            .MapPost("", EmbedAsync)
            .RequireAdmission()
            .WithName("V1Embeddings")
            .WithSummary("Embeddings of up to 2,048 texts (OpenAI-compatible).")
            .WithDescription(Description)
            .WithRequestExample("""{"model":"all-minilm-l6-v2","input":["a space opera with a funny robot","a cooking show in Tuscany"],"encoding_format":"float"}""");
        return app;
    }

    private static async Task<Results<Ok<EmbeddingsResponse>, ApiProblem<InferenceErrors>>> EmbedAsync(
        Body<EmbeddingsRequest> body, EmbeddingService embeddings, IDiagnosticContext diagnostics, CancellationToken cancellationToken)
    {
        if (!body.Result.TryGetValue(out var request, out var error))
        {
            return new ApiProblem<InferenceErrors>(error);
        }

        if (request.EncodingFormat is not (null or "float" or "base64"))
        {
            return new ApiProblem<InferenceErrors>(ErrorCode.InvalidRequest, $"encoding_format must be 'float' or 'base64', not '{request.EncodingFormat}'");
        }

        bool base64 = request.EncodingFormat == "base64";
        var texts = Texts(request.Input);
        if (!texts.TryGetValue(out var inputs, out error))
        {
            return new ApiProblem<InferenceErrors>(error);
        }

        var result = await embeddings.EmbedAsync(request.Model ?? DefaultModel, null, inputs, request.Dimensions, cancellationToken);
        if (!result.TryGetValue(out var batch, out error))
        {
            return new ApiProblem<InferenceErrors>(error);
        }

        diagnostics.Set("Model", batch.Model);
        diagnostics.Set("ModelVersion", batch.Version);
        diagnostics.Set("Inputs", batch.Count);
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

        return TypedResults.Ok(new EmbeddingsResponse(data, batch.Model, new EmbeddingsUsage(tokens, tokens, truncated)));
    }

    // OpenAI's 'input' is a string or an array; arrays of token ids (OpenAI's own vocabulary) mean nothing to these models.
    private static Result<IReadOnlyList<string?>> Texts(JsonElement input)
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
                        return Result<IReadOnlyList<string?>>.Fail(ErrorCode.InvalidRequest, item.ValueKind is JsonValueKind.Number or JsonValueKind.Array
                            ? $"input[{texts.Count}] is a token array; send text: these models tokenise it themselves"
                            : $"input[{texts.Count}] is {Describe(item.ValueKind)}; every input must be a string");
                    }

                    texts.Add(item.GetString());
                }

                return texts;
            case JsonValueKind.Undefined:
                return Result<IReadOnlyList<string?>>.Fail(ErrorCode.InvalidRequest, "'input' is required: a string or an array of strings");
            default:
                return Result<IReadOnlyList<string?>>.Fail(ErrorCode.InvalidRequest, $"'input' is {Describe(input.ValueKind)}; give a string or an array of strings");
        }
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
