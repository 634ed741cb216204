using MaaS.Core;
using MaaS.Gateway.Contracts.V1;
using MaaS.Gateway.Errors;
using MaaS.Models.Text.Data;
using MaaS.Models.Text.Serving;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// <c>POST /v1/analyze</c>: tags with probabilities, sentiment, keywords and the n-grams that drove each result, for
/// content texts. Both models run through their dynamic batchers, concurrently.
/// </summary>
internal static class AnalyzeApi
{
    /// <summary>Tagging model used when the request names none.</summary>
    public const string DefaultTagsModel = "content-tags";

    public static IEndpointRouteBuilder MapAnalyzeApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/analyze").WithTags("Text")
            .MapPost("", AnalyzeAsync)
            .WithName("V1Analyze")
            .WithSummary("Content analysis of up to 256 items: tags, sentiment, keywords and explanations (models and versions selectable).")
            .Accepts<AnalyzeRequest>("application/json")
            .Produces<AnalyzeResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> AnalyzeAsync(HttpContext http, TextModelService text)
    {
        var (body, error) = await TextRequests.ReadAsync(http, V1TextJsonContext.Default.AnalyzeRequest);
        if (error is not null)
        {
            return error;
        }

        if (body!.Items is null || body.Items.Count == 0 || body.Items.Any(i => i is null))
        {
            return ApiErrors.Problem(ErrorCode.InvalidRequest, "give 'items': a list of { text, title? } objects");
        }

        if (body.MaxTags is < 1 or > 20 || body.MaxTerms is < 1 or > 50)
        {
            return ApiErrors.Problem(ErrorCode.InvalidRequest, "maxTags must be in 1..20 and maxTerms in 1..50");
        }

        int maxTags = body.MaxTags ?? 5, maxTerms = body.MaxTerms ?? 5;
        var texts = body.Items.Select(i => i!.Text).ToList();
        var tagTexts = body.Items.Select(i => string.IsNullOrWhiteSpace(i!.Text) ? i.Text : ContentCorpus.ComposeText(i.Title, i.Text)).ToList();
        var tagsTask = text.PredictAsync(body.Model ?? DefaultTagsModel, body.Version, tagTexts, withTerms: true, http.RequestAborted).AsTask();
        var sentimentTask = text.PredictAsync(body.SentimentModel ?? SentimentApi.DefaultModel, body.SentimentVersion, texts, withTerms: true, http.RequestAborted).AsTask();
        var tags = await tagsTask;
        var sentiment = await sentimentTask;
        if (!tags.IsSuccess)
        {
            return ApiErrors.Problem(tags);
        }

        if (!sentiment.IsSuccess)
        {
            return ApiErrors.Problem(sentiment);
        }

        var tagProfile = tags.Value!.Profile;
        var sentimentProfile = sentiment.Value!.Profile;
        var results = new AnalyzeResult[texts.Count];
        for (int i = 0; i < results.Length; i++)
        {
            var tagPrediction = tags.Value.Items[i];
            var sentimentPrediction = sentiment.Value.Items[i];
            var decided = TextAnalysis.DecideTags(tagProfile, tagPrediction, maxTags);
            var tagExplanations = decided
                .Select(label => new TagExplanation(tagProfile.Labels[label], Terms(TextAnalysis.Explain(tagProfile, tagPrediction, label, maxTerms))))
                .ToList();
            results[i] = new AnalyzeResult(
                [.. decided.Select(label => new TagScore(tagProfile.Labels[label], tagPrediction.Probabilities[label]))],
                TextRequests.ToSentiment(sentimentProfile, sentimentPrediction),
                TextAnalysis.Keywords(tagProfile, tagPrediction, decided, maxTerms),
                new AnalyzeExplanation(tagExplanations, Terms(TextAnalysis.Explain(sentimentProfile, sentimentPrediction, sentimentPrediction.Best, maxTerms))));
        }

        return TypedResults.Json(
            new AnalyzeResponse(new ModelReference(tagProfile.Name, tagProfile.Version), new ModelReference(sentimentProfile.Name, sentimentProfile.Version), results),
            V1TextJsonContext.Default.AnalyzeResponse);
    }

    private static List<TermScore> Terms(IEnumerable<MaaS.Models.Text.Modeling.TermContribution> terms) =>
        [.. terms.Select(t => new TermScore(t.Term, t.Contribution))];
}
