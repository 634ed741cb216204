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

    private static Ok<List<MarketModel>> List(string? task, string? tag, string? q, HttpContext http, IModelRegistry registry, ModelAccess access) =>
        TypedResults.Ok(registry.GetModels()
            .Where(m => Matches(m, task, tag, q))
            .Select(m => ToSummary(m, access, http.GetTenant()))
            .ToList());

    private static Results<Ok<MarketModel>, ApiProblem<DiscoveryErrors>> Get(string name, HttpContext http, IModelRegistry registry, ModelAccess access) =>
        registry.GetModel(name) is { } model
            ? TypedResults.Ok(ToSummary(model, access, http.GetTenant()))
            : new ApiProblem<DiscoveryErrors>(ErrorCode.ModelNotFound, $"unknown model: '{name}'");

    private static bool Matches(ModelInfo model, string? task, string? tag, string? q)
    {
        var config = model.Config;
        if (!string.IsNullOrEmpty(task) && !string.Equals(config?.Task, task, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!string.IsNullOrEmpty(tag) && !(config?.Tags ?? []).Contains(tag, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        return string.IsNullOrEmpty(q)
            || model.Name.Contains(q, StringComparison.OrdinalIgnoreCase)
            || (config?.Description?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false)
            || (config?.Tags ?? []).Any(t => t.Contains(q, StringComparison.OrdinalIgnoreCase));
    }

    private static MarketModel ToSummary(ModelInfo model, ModelAccess access, string tenant)
    {
        var listing = access.Find(model.Name);
        string? owner = listing?.Owner ?? access.MarkedOwner(model.Name);
        return new MarketModel(
            model.Name,
            model.Config?.Task,
            model.Config?.Description,
            model.Config?.Tags ?? [],
            model.Config?.Labels ?? [],
            model.DefaultVersion,
            model.IsReady,
            model.Reason,
            [.. model.Versions.Select(v => new ModelVersionSummary(v.Version, v.State.ToString(), v.IsReady, v.Reason, v.Platform, v.LoadedAt, v.Card))],
            owner,
            listing is null ? (owner is null ? "public" : "private") : MarketEndpoints.Text(listing.Visibility),
            listing is not null && listing.Owner == tenant ? listing.SharedWith : null);
    }
}
