using System.Text.RegularExpressions;
using MaaS.Models.Text.Data;
using MaaS.Models.Text.Modeling;
using MaaS.Models.Text.Serving;

namespace MaaS.Services.Text;

/// <summary>
/// Content analysis (<c>/v1/analyze</c>): tags with probabilities, sentiment, keywords and the n-grams that drove each
/// result. Both models run through their dynamic batchers, concurrently. Thread-safe singleton.
/// </summary>
internal sealed partial class ContentAnalysis(TextModelService text)
{
    /// <summary>Tagging model used when the request names none.</summary>
    public const string DefaultTagsModel = "content-tags";

    /// <param name="items">1..256 contents.</param>
    /// <param name="model">Tagging model; default <see cref="DefaultTagsModel"/>.</param>
    /// <param name="version">Its version; default its default version.</param>
    /// <param name="sentimentModel">Sentiment model; default <see cref="TextAnswers.DefaultSentimentModel"/>.</param>
    /// <param name="sentimentVersion">Its version; default its default version.</param>
    /// <param name="maxTags">Most tags per item, 1..20 (default 5).</param>
    /// <param name="maxTerms">Most explanation terms and keywords per item, 1..50 (default 5).</param>
    /// <param name="cancellationToken">Cancels the inference.</param>
    public async Task<Result<AnalyzeResponse>> AnalyzeAsync(
        IReadOnlyList<AnalyzeItem?>? items, string? model, long? version, string? sentimentModel, long? sentimentVersion, int? maxTags, int? maxTerms,
        CancellationToken cancellationToken)
    {
        if (items is null || items.Count == 0 || items.Any(i => i is null))
        {
            return new Error(ErrorCode.InvalidRequest, "give 'items': a list of { text, title? } objects");
        }

        if (maxTags is < 1 or > 20 || maxTerms is < 1 or > 50)
        {
            return new Error(ErrorCode.InvalidRequest, "maxTags must be in 1..20 and maxTerms in 1..50");
        }

        int tagsPerItem = maxTags ?? 5, termsPerItem = maxTerms ?? 5;
        var texts = items.Select(i => i!.Text).ToList();
        var tagTexts = items.Select(i => string.IsNullOrWhiteSpace(i!.Text) ? i.Text : ContentCorpus.ComposeText(i.Title, i.Text)).ToList();
        var tagsTask = text.PredictAsync(model ?? DefaultTagsModel, version, tagTexts, withTerms: true, cancellationToken).AsTask();
        var sentimentTask = text.PredictAsync(sentimentModel ?? TextAnswers.DefaultSentimentModel, sentimentVersion, texts, withTerms: true, cancellationToken).AsTask();
        var tagsResult = await tagsTask.ConfigureAwait(false);
        var sentimentResult = await sentimentTask.ConfigureAwait(false);
        if (!tagsResult.TryGetValue(out var tags, out var error) || !sentimentResult.TryGetValue(out var sentiment, out error))
        {
            // The text models check their inputs as 'texts[i]'; here they are the items' text fields.
            return error.Code == ErrorCode.InvalidRequest ? new Error(error.Code, TextIndex().Replace(error.Message, "items[$1].text")) : error;
        }

        var tagProfile = tags.Profile;
        var sentimentProfile = sentiment.Profile;
        var results = new AnalyzeResult[texts.Count];
        for (int i = 0; i < results.Length; i++)
        {
            var tagPrediction = tags.Items[i];
            var sentimentPrediction = sentiment.Items[i];
            var decided = TextAnalysis.DecideTags(tagProfile, tagPrediction, tagsPerItem);
            var tagExplanations = decided
                .Select(label => new TagExplanation(tagProfile.Labels[label], Terms(TextAnalysis.Explain(tagProfile, tagPrediction, label, termsPerItem))))
                .ToList();
            results[i] = new AnalyzeResult(
                [.. decided.Select(label => new TagScore(tagProfile.Labels[label], tagPrediction.Probabilities[label]))],
                TextAnswers.Sentiment(sentimentProfile, TextScore.Of(sentimentPrediction)),
                TextAnalysis.Keywords(tagProfile, tagPrediction, decided, termsPerItem),
                new AnalyzeExplanation(tagExplanations, Terms(TextAnalysis.Explain(sentimentProfile, sentimentPrediction, sentimentPrediction.Best, termsPerItem))));
        }

        return new AnalyzeResponse(new ModelReference(tagProfile.Name, tagProfile.Version), new ModelReference(sentimentProfile.Name, sentimentProfile.Version), results);
    }

    [GeneratedRegex(@"^texts\[(\d+)\]")]
    private static partial Regex TextIndex();

    private static List<TermScore> Terms(IEnumerable<TermContribution> terms) =>
        [.. terms.Select(t => new TermScore(t.Term, t.Contribution))];
}
