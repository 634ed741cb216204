namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// <c>POST /v1/sentiment</c>: label and probability per text, from the model's C# twin in one pass per text
/// (<see cref="TextModelService.ScoreAsync"/>, as <c>/v1/classify</c>).
/// </summary>
internal static class SentimentEndpoints
{
    /// <summary>Model used when the request names none.</summary>
    public const string DefaultModel = "sentiment";

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

    /// <summary>The sentiment of one text, as /v1/sentiment and /v1/analyze answer it.</summary>
    public static SentimentResult ToResult(TextModelProfile profile, TextScore score)
    {
        int best = score.Best;
        return new SentimentResult(profile.Labels[best], score.Probabilities[best], score.Probabilities, score.TokenCount, score.Truncated);
    }

    private static async Task<Results<Ok<SentimentResponse>, ApiProblem<InferenceErrors>>> PredictAsync(
        Body<SentimentRequest> body, TextModelService text, CancellationToken cancellationToken)
    {
        if (!body.Result.TryGetValue(out var request, out var error))
        {
            return new ApiProblem<InferenceErrors>(error);
        }

        var result = await text.ScoreAsync(request.Model ?? DefaultModel, request.Version, request.Texts, cancellationToken);
        if (!result.TryGetValue(out var predictions, out error))
        {
            return new ApiProblem<InferenceErrors>(error);
        }

        var profile = predictions.Profile;
        var results = new SentimentResult[predictions.Items.Count];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = ToResult(profile, predictions.Items[i]);
        }

        return TypedResults.Ok(new SentimentResponse(profile.Name, profile.Version, profile.Labels, results));
    }
}
