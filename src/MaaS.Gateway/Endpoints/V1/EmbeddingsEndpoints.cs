using MaaS.Models.Embeddings;
using MaaS.Services.Embeddings;
using Serilog;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// <c>POST /v1/embeddings</c>: the OpenAI embeddings API over the registry's sentence-embedding models, so OpenAI's
/// client libraries work with their endpoint set to the gateway and the app key as their API key (sent as Bearer).
/// </summary>
internal static class EmbeddingsEndpoints
{
    private const string Description =
        "OpenAI's embeddings shape: 'input' is a string or an array of 1..2048 non-empty strings (token arrays are refused), 'model' a " +
        "sentence-embedding model of the registry (default all-minilm-l6-v2), 'encoding_format' float (default) or base64 (little-endian " +
        "float32 bytes), 'dimensions' only the model's own (384; its embeddings cannot be shortened), 'user' is ignored. Each embedding has " +
        "unit length. A text longer than the model's limit (256 word pieces) is cut: 'usage.truncated_inputs' lists it and 'usage' counts the " +
        "pieces kept. Errors are ProblemDetails on /v1 and OpenAI's error object under /openai/v1: 400 bad input, 404 unknown model, 429 queue full, 503 not ready, 504 timeout.";

    public static IEndpointRouteBuilder MapEmbeddingsV1(this IEndpointRouteBuilder app)
    {
        app.MapEmbeddings("/v1/embeddings", "V1Embeddings", ApiTags.Text);
        return app;
    }

    /// <summary>Maps the embeddings endpoint at <paramref name="pattern"/>: <c>/v1/embeddings</c>, and OpenAI's base URL's.</summary>
    public static RouteHandlerBuilder MapEmbeddings(this IEndpointRouteBuilder app, string pattern, string name, string tag) =>
        app.MapGroup(pattern).WithTags(tag).RequireAuthorization(MaaSPolicies.App)
            .MapPost("", EmbedAsync)
            .RequireAdmission()
            .WithName(name)
            .WithSummary("Embeddings of up to 2,048 texts (OpenAI-compatible).")
            .WithDescription(Description)
            .WithRequestExample("""{"model":"all-minilm-l6-v2","input":["a space opera with a funny robot","a cooking show in Tuscany"],"encoding_format":"float"}""");

    private static async Task<Results<Ok<EmbeddingsResponse>, ApiProblem<InferenceErrors>>> EmbedAsync(
        Body<EmbeddingsRequest> body, EmbeddingService embeddings, IDiagnosticContext diagnostics, CancellationToken cancellationToken)
    {
        if (!body.Result.TryGetValue(out var request, out var error)
            || !OpenAiEmbeddings.Base64(request.EncodingFormat).TryGetValue(out bool base64, out error)
            || !OpenAiEmbeddings.Texts(request.Input).TryGetValue(out var inputs, out error))
        {
            return new ApiProblem<InferenceErrors>(error);
        }

        var result = await embeddings.EmbedAsync(request.Model ?? EmbeddingService.DefaultModel, null, inputs, request.Dimensions, cancellationToken);
        if (!result.TryGetValue(out var batch, out error))
        {
            return new ApiProblem<InferenceErrors>(error);
        }

        diagnostics.Set("Model", batch.Model);
        diagnostics.Set("ModelVersion", batch.Version);
        diagnostics.Set("Inputs", batch.Count);
        return TypedResults.Ok(OpenAiEmbeddings.Answer(batch, base64));
    }
}
