using System.ComponentModel.DataAnnotations;

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
            .WithParameterExample("after", "example-mlp")
            .WithPaging(Paged.By("by name (ordinal)", "name"))
            .WithSummary("Lists the models this tenant may see, a page at a time: task, tags, labels, versions with model cards (metrics), readiness, owner and visibility.")
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
    /// <param name="limit">Models in the page.</param>
    /// <param name="after">The name of the last model of the previous page.</param>
    /// <param name="http">The request.</param>
    /// <param name="registry">The model registry.</param>
    /// <param name="access">Who may see which model.</param>
    private static Results<Ok<List<MarketModel>>, ApiProblem<ListErrors>> List(
        string? task, string? tag, string? q, [Range(1, PageRequest.MaxLimit)] int? limit, string? after, HttpContext http, IModelRegistry registry, ModelAccess access)
    {
        var request = PageRequest.Create(limit, after);
        var listed = request.IsSuccess ? MarketModels.List(registry, access, http.GetTenant(), task, tag, q, request.Value) : request.Error;
        return listed.TryGetValue(out var page, out var error) ? TypedResults.Ok(Paged.Items(http, page)) : new ApiProblem<ListErrors>(error);
    }

    private static Results<Ok<MarketModel>, ApiProblem<ModelLookupErrors>> Get(string name, HttpContext http, IModelRegistry registry, ModelAccess access) =>
        registry.GetModel(name) is { } model
            ? TypedResults.Ok(MarketModels.Summary(model, access, http.GetTenant()))
            : new ApiProblem<ModelLookupErrors>(ErrorCode.ModelNotFound, $"unknown model: '{name}'");
}
