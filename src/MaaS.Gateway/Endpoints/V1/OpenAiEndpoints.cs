namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// OpenAI's API where the gateway has its counterpart, under one base URL (<c>/openai/v1</c>) for OpenAI's client
/// libraries: <c>GET /models</c> in OpenAI's list (every model the tenant may see, in one answer, where
/// <c>/v1/models</c> is the market's paged list with cards), <c>GET /models/{model}</c>, and <c>POST /embeddings</c>,
/// the same endpoint as <c>/v1/embeddings</c>. Errors are OpenAI's error object (<see cref="OpenAiProblemDetailsWriter"/>),
/// which OpenAI's libraries read into their exceptions.
/// </summary>
internal static class OpenAiEndpoints
{
    public static IEndpointRouteBuilder MapOpenAiV1(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/openai/v1/models").WithTags(ApiTags.OpenAi).RequireAuthorization(MaaSPolicies.AnyKey);
        models.MapGet("", List)
            .WithName("OpenAiListModels")
            .WithSummary("Every model this tenant may see, in OpenAI's list: id, created (Unix seconds), owned_by (the owning tenant, or system for a bundled model).");
        models.MapGet("/{model}", Get)
            .WithName("OpenAiGetModel")
            .WithParameterExample("model", "all-minilm-l6-v2")
            .WithSummary("One model in OpenAI's shape.");
        app.MapEmbeddings("/openai/v1/embeddings", "OpenAiEmbeddings", ApiTags.OpenAi);
        return app.MapOpenAiBatches();
    }

    private static Ok<OpenAiModelList> List(IModelRegistry registry, ModelAccess access) => TypedResults.Ok(OpenAiModels.List(registry, access));

    /// <param name="model">The model's name.</param>
    /// <param name="registry">The model registry, as the caller's tenant sees it.</param>
    /// <param name="access">Who owns which model.</param>
    private static Results<Ok<OpenAiModel>, ApiProblem<ModelLookupErrors>> Get(string model, IModelRegistry registry, ModelAccess access) =>
        OpenAiModels.Find(registry, access, model) is { } found
            ? TypedResults.Ok(found)
            : new ApiProblem<ModelLookupErrors>(ErrorCode.ModelNotFound, $"unknown model: '{model}'");
}
