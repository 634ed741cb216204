using MaaS.Gateway.Contracts.V1;
using MaaS.Gateway.Errors;
using MaaS.Models.Registry;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>Read-only model listing for apps (<c>/v1/models</c>).</summary>
internal static class ModelsEndpoints
{
    public static IEndpointRouteBuilder MapModelsV1(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/v1/models").WithTags("Models");
        models.MapGet("", (IModelRegistry registry) => TypedResults.Ok(registry.GetModels().Select(ToSummary).ToList()))
            .WithName("V1ListModels")
            .WithSummary("Lists served models: task, tags, labels, versions with model cards, readiness.");
        models.MapGet("/{name}", (string name, IModelRegistry registry) =>
                registry.GetModel(name) is { } model
                    ? TypedResults.Ok(ToSummary(model))
                    : ApiErrors.Problem(ApiError.ModelNotFound, $"unknown model: '{name}'"))
            .WithName("V1GetModel")
            .WithSummary("One model: task, tags, labels, versions with model cards, readiness.")
            .Produces<ModelSummary>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static ModelSummary ToSummary(ModelInfo model) => new(
        model.Name,
        model.Config?.Task,
        model.Config?.Description,
        model.Config?.Tags ?? [],
        model.Config?.Labels ?? [],
        model.DefaultVersion,
        model.IsReady,
        model.Reason,
        [.. model.Versions.Select(v => new ModelVersionSummary(v.Version, v.State.ToString(), v.IsReady, v.Reason, v.Platform, v.LoadedAt, v.Card))]);
}
