using MaaS.Services.Text;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// <c>POST /v1/analyze</c>: tags with probabilities, sentiment, keywords and the n-grams that drove each result, for
/// content texts (<see cref="ContentAnalysis"/>).
/// </summary>
internal static class AnalyzeEndpoints
{
    public static IEndpointRouteBuilder MapAnalyzeV1(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/analyze").WithTags(ApiTags.Text).RequireAuthorization(MaaSPolicies.App)
            .MapPost("", AnalyzeAsync)
            .RequireAdmission()
            .WithName("V1Analyze")
            .WithRequestExample("""{"items":[{"title":"Night Harbour","text":"A tense noir thriller: a dock worker finds a ledger that links the mayor to a string of murders."}],"model":"content-tags","sentimentModel":"sentiment","maxTags":3,"maxTerms":3}""")
            .WithSummary("Content analysis of up to 256 items: tags, sentiment, keywords and explanations (models and versions selectable).");
        return app;
    }

    private static async Task<Results<Ok<AnalyzeResponse>, ApiProblem<InferenceErrors>>> AnalyzeAsync(
        Body<AnalyzeRequest> body, ContentAnalysis analysis, CancellationToken cancellationToken)
    {
        var analysed = await body.Result.ThenAsync(request => analysis.AnalyzeAsync(
            request.Items, request.Model, request.Version, request.SentimentModel, request.SentimentVersion, request.MaxTags, request.MaxTerms, cancellationToken));
        return analysed.TryGetValue(out var response, out var error) ? TypedResults.Ok(response) : new ApiProblem<InferenceErrors>(error);
    }
}
