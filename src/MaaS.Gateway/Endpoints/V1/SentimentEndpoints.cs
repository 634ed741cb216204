using MaaS.Services.Text;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// <c>POST /v1/sentiment</c>: label and probability per text, from the model's C# twin in one pass per text
/// (<see cref="TextModelService.ScoreAsync"/>, as <c>/v1/classify</c>).
/// </summary>
internal static class SentimentEndpoints
{
    public static IEndpointRouteBuilder MapSentimentV1(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/sentiment").WithTags(ApiTags.Text).RequireAuthorization(MaaSPolicies.App)
            .MapPost("", PredictAsync)
            .RequireAdmission()
            .WithName("V1Sentiment")
            .WithRequestExample("""{"texts":["A wonderful, moving film with brilliant performances. Highly recommended!","Terrible. A waste of two hours."],"model":"sentiment"}""")
            .WithSummary("Sentiment of up to 256 texts: label and probability per text (model and version selectable).");
        return app;
    }

    private static async Task<Results<Ok<SentimentResponse>, ApiProblem<InferenceErrors>>> PredictAsync(
        Body<SentimentRequest> body, TextModelService text, CancellationToken cancellationToken)
    {
        var result = await body.Result.ThenAsync(
            request => text.ScoreAsync(request.Model ?? TextAnswers.DefaultSentimentModel, request.Version, request.Texts, cancellationToken));
        return result.TryGetValue(out var scores, out var error) ? TypedResults.Ok(TextAnswers.Sentiment(scores)) : new ApiProblem<InferenceErrors>(error);
    }
}
