using MaaS.Services.Text;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary><c>POST /v1/classify</c>: labels and probabilities per text from a text classifier (a trained model or a bundled one).</summary>
internal static class ClassifyEndpoints
{
    public static IEndpointRouteBuilder MapClassifyV1(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/classify").WithTags(ApiTags.Training).RequireAuthorization(MaaSPolicies.App)
            .MapPost("", ClassifyAsync)
            .RequireAdmission()
            .WithName("V1Classify")
            .WithRequestExample("""{"model":"sentiment","texts":["A wonderful, moving film with brilliant performances.","Terrible. A waste of two hours."]}""")
            .WithSummary("Classifies up to 256 texts with a text classifier the tenant may use: the most probable label, the decided labels (multi-label: each over its threshold) and every probability.");
        return app;
    }

    private static async Task<Results<Ok<ClassifyResponse>, ApiProblem<InferenceErrors>>> ClassifyAsync(
        Body<ClassifyRequest> body, TextModelService text, CancellationToken cancellationToken)
    {
        var result = await body.Result.ThenAsync(request => text.ScoreAsync(request.Model ?? string.Empty, request.Version, request.Texts, cancellationToken));
        return result.TryGetValue(out var scores, out var error) ? TypedResults.Ok(TextAnswers.Classify(scores)) : new ApiProblem<InferenceErrors>(error);
    }
}
