using MaaS.Models.Text.Modeling;
using MaaS.Models.Text.Serving;

namespace MaaS.Services.Text;

/// <summary>The answers of the text endpoints (<c>/v1/sentiment</c>, <c>/v1/classify</c>) built from a model's scores.</summary>
internal static class TextAnswers
{
    /// <summary>Sentiment model used when the request names none.</summary>
    public const string DefaultSentimentModel = "sentiment";

    public static SentimentResponse Sentiment(TextScores scores)
    {
        var profile = scores.Profile;
        var results = new SentimentResult[scores.Items.Count];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = Sentiment(profile, scores.Items[i]);
        }

        return new SentimentResponse(profile.Name, profile.Version, profile.Labels, results);
    }

    /// <summary>The sentiment of one text, as /v1/sentiment and /v1/analyze answer it.</summary>
    public static SentimentResult Sentiment(TextModelProfile profile, TextScore score)
    {
        int best = score.Best;
        return new SentimentResult(profile.Labels[best], score.Probabilities[best], score.Probabilities, score.TokenCount, score.Truncated);
    }

    /// <summary>Each text's best label, its decided labels (multi-label: each over its threshold) and every probability.</summary>
    public static ClassifyResponse Classify(TextScores scores)
    {
        var profile = scores.Profile;
        bool multiLabel = profile.Model.Activation == TextModelActivation.Sigmoid;
        var results = new ClassifyResult[scores.Items.Count];
        for (int i = 0; i < results.Length; i++)
        {
            float[] p = scores.Items[i].Probabilities;
            int best = scores.Items[i].Best;
            IReadOnlyList<string> decided = multiLabel ? Decide(profile, p) : [profile.Labels[best]];
            results[i] = new ClassifyResult(profile.Labels[best], p[best], decided, p);
        }

        return new ClassifyResponse(profile.Name, profile.Version, profile.Labels, results);
    }

    // Each label at or above its threshold (0.5 without one), most probable first; at least the best one.
    private static List<string> Decide(TextModelProfile profile, float[] p)
    {
        var chosen = Enumerable.Range(0, p.Length)
            .Where(j => p[j] >= (profile.Thresholds is { } t && j < t.Length ? t[j] : 0.5f))
            .OrderByDescending(j => p[j]).ThenBy(j => j)
            .Select(j => profile.Labels[j])
            .ToList();
        return chosen.Count > 0 ? chosen : [profile.Labels[Array.IndexOf(p, p.Max())]];
    }
}
