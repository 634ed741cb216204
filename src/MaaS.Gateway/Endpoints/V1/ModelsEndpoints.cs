namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// Model discovery for apps (<c>/v1/models</c>): the models the caller's tenant may see, with cards, versions and
/// market facts, filtered by task, tag and free text. Any valid key.
/// </summary>
internal static class ModelsEndpoints
{
    public static IEndpointRouteBuilder MapModelsV1(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/v1/models").WithTags(ApiTags.Models).RequireAuthorization(MaaSPolicies.AnyKey);
        models.MapGet("", List)
            .WithName("V1ListModels")
            .WithParameterExample("task", "classification")
            .WithParameterExample("tag", "mlp")
            .WithParameterExample("q", "example")
            .WithSummary("Lists the models this tenant may see: task, tags, labels, versions with model cards (metrics), readiness, owner and visibility.")
            .WithDescription("Filters: task (exact), tag (exact), q (case-insensitive substring of name, description, tags).");
        models.MapGet("/{name}", Get)
            .WithName("V1GetModel")
            .WithParameterExample("name", "example-mlp")
            .WithSummary("One model: task, tags, labels, versions with model cards, readiness, owner and visibility.");
        return app;
    }

    /// <param name="task">Only models of this task (exact), e.g. classification, embedding.</param>
    /// <param name="tag">Only models with this tag (exact).</param>
    /// <param name="q">Case-insensitive substring of the name, description or tags.</param>
    /// <param name="http">The request.</param>
    /// <param name="registry">The model registry.</param>
    /// <param name="access">Who may see which model.</param>
    private static Ok<List<MarketModel>> List(string? task, string? tag, string? q, HttpContext http, IModelRegistry registry, ModelAccess access) =>
        TypedResults.Ok(registry.GetModels()
            .Where(m => MarketModels.Matches(m, task, tag, q))
            .Select(m => MarketModels.Summary(m, access, http.GetTenant()))
            .ToList());

    private static Results<Ok<MarketModel>, ApiProblem<ModelLookupErrors>> Get(string name, HttpContext http, IModelRegistry registry, ModelAccess access) =>
        registry.GetModel(name) is { } model
            ? TypedResults.Ok(MarketModels.Summary(model, access, http.GetTenant()))
            : new ApiProblem<ModelLookupErrors>(ErrorCode.ModelNotFound, $"unknown model: '{name}'");
}
