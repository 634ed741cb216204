using MaaS.Models.Text.Data;
using MaaS.Models.Text.Modeling;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// <c>POST /v1/analyze</c>: tags with probabilities, sentiment, keywords and the n-grams that drove each result, for
/// content texts. Both models run through their dynamic batchers, concurrently.
/// </summary>
internal static class AnalyzeEndpoints
{
    /// <summary>Tagging model used when the request names none.</summary>
    public const string DefaultTagsModel = "content-tags";

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
        Body<AnalyzeRequest> body, TextModelService text, CancellationToken cancellationToken)
    {
        if (!body.Result.TryGetValue(out var request, out var error))
        {
            return new ApiProblem<InferenceErrors>(error);
        }

        if (request.Items is null || request.Items.Count == 0 || request.Items.Any(i => i is null))
        {
            return new ApiProblem<InferenceErrors>(ErrorCode.InvalidRequest, "give 'items': a list of { text, title? } objects");
        }

        if (request.MaxTags is < 1 or > 20 || request.MaxTerms is < 1 or > 50)
        {
            return new ApiProblem<InferenceErrors>(ErrorCode.InvalidRequest, "maxTags must be in 1..20 and maxTerms in 1..50");
        }

        int maxTags = request.MaxTags ?? 5, maxTerms = request.MaxTerms ?? 5;
        var texts = request.Items.Select(i => i!.Text).ToList();
        var tagTexts = request.Items.Select(i => string.IsNullOrWhiteSpace(i!.Text) ? i.Text : ContentCorpus.ComposeText(i.Title, i.Text)).ToList();
        var tagsTask = text.PredictAsync(request.Model ?? DefaultTagsModel, request.Version, tagTexts, withTerms: true, cancellationToken).AsTask();
        var sentimentTask = text.PredictAsync(request.SentimentModel ?? SentimentEndpoints.DefaultModel, request.SentimentVersion, texts, withTerms: true, cancellationToken).AsTask();
        var tagsResult = await tagsTask;
        var sentimentResult = await sentimentTask;
        if (!tagsResult.TryGetValue(out var tags, out error) || !sentimentResult.TryGetValue(out var sentiment, out error))
        {
            return new ApiProblem<InferenceErrors>(error);
        }

        var tagProfile = tags.Profile;
        var sentimentProfile = sentiment.Profile;
        var results = new AnalyzeResult[texts.Count];
        for (int i = 0; i < results.Length; i++)
        {
            var tagPrediction = tags.Items[i];
            var sentimentPrediction = sentiment.Items[i];
            var decided = TextAnalysis.DecideTags(tagProfile, tagPrediction, maxTags);
            var tagExplanations = decided
                .Select(label => new TagExplanation(tagProfile.Labels[label], Terms(TextAnalysis.Explain(tagProfile, tagPrediction, label, maxTerms))))
                .ToList();
            results[i] = new AnalyzeResult(
                [.. decided.Select(label => new TagScore(tagProfile.Labels[label], tagPrediction.Probabilities[label]))],
                SentimentEndpoints.ToResult(sentimentProfile, TextScore.Of(sentimentPrediction)),
                TextAnalysis.Keywords(tagProfile, tagPrediction, decided, maxTerms),
                new AnalyzeExplanation(tagExplanations, Terms(TextAnalysis.Explain(sentimentProfile, sentimentPrediction, sentimentPrediction.Best, maxTerms))));
        }

        return TypedResults.Ok(new AnalyzeResponse(
            new ModelReference(tagProfile.Name, tagProfile.Version), new ModelReference(sentimentProfile.Name, sentimentProfile.Version), results));
    }

    private static List<TermScore> Terms(IEnumerable<TermContribution> terms) =>
        [.. terms.Select(t => new TermScore(t.Term, t.Contribution))];
}
