namespace MaaS.Models.Text.Serving;

/// <summary>
/// Turns predictions into answers: decided tags, explanations (per-n-gram contribution = weight × feature value for a
/// label) and keywords. Pure functions; thread-safe.
/// </summary>
public static class TextAnalysis
{
    /// <summary>
    /// Tags at or above their threshold (the profile's, else 0.5), most probable first, at most <paramref name="max"/>;
    /// the single best when none reaches its threshold. A model with label groups keeps to the best label's group.
    /// </summary>
    public static IReadOnlyList<int> DecideTags(TextModelProfile profile, TextPrediction prediction, int max)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(prediction);
        var p = prediction.Probabilities;
        var groups = profile.LabelGroups;
        int best = prediction.Best;
        var chosen = Enumerable.Range(0, p.Length)
            .Where(j => p[j] >= (profile.Thresholds is { } t && j < t.Length ? t[j] : 0.5f) && (groups is null || groups[j] == groups[best]))
            .OrderByDescending(j => p[j]).ThenBy(j => j)
            .Take(Math.Max(1, max))
            .ToList();
        return chosen.Count > 0 ? chosen : [prediction.Best];
    }

    /// <summary>The <paramref name="top"/> n-grams with the largest |contribution| to <paramref name="label"/>.</summary>
    public static IReadOnlyList<TermContribution> Explain(TextModelProfile profile, TextPrediction prediction, int label, int top)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(prediction);
        return prediction.Features.Terms is null ? [] : profile.Model.Explain(prediction.Features, label, top);
    }

    /// <summary>
    /// Keywords: word n-grams of the text (not character n-grams) that pushed the given labels up most, by their
    /// largest positive contribution to any of them; negation marks are removed.
    /// </summary>
    public static IReadOnlyList<string> Keywords(TextModelProfile profile, TextPrediction prediction, IReadOnlyList<int> labels, int top)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(prediction);
        var features = prediction.Features;
        if (features.Terms is null)
        {
            return [];
        }

        var best = new Dictionary<string, float>(StringComparer.Ordinal);
        for (int i = 0; i < features.WordFeatureCount; i++)
        {
            float score = labels.Max(label => profile.Model.Weight(features.Ids[i], label) * features.Weights[i]);
            if (score <= 0)
            {
                continue;
            }

            string term = features.Terms[i].Replace("NEG_", "", StringComparison.Ordinal);
            if (!IsWordTerm(term))
            {
                continue;
            }

            best[term] = Math.Max(best.GetValueOrDefault(term), score);
        }

        return [.. best.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(top).Select(kv => kv.Key)];
    }

    // Keywords are made of letters or digits: punctuation-only n-grams ("," or ". the") say nothing to a reader.
    private static bool IsWordTerm(string term) =>
        term.Split(' ').All(part => part.Length > 1 && part.Any(char.IsLetterOrDigit) && !part.StartsWith('\''));
}
