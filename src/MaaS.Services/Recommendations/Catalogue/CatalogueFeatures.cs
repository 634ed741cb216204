using MaaS.Models.Text.Featurization;
using MaaS.Recommendations.Ranking;

namespace MaaS.Services.Recommendations.Catalogue;

/// <summary>
/// Turns catalogue entries into content features for the content index: <c>genre:</c>, <c>tag:</c> and <c>kind:</c>
/// keys, plus the word unigrams of title and text through the shared <see cref="TextFeaturizer"/> (NFKC, lower case,
/// hashed; punctuation dropped). Field boosts (genre 1, tag 1, kind 0.5, title word 0.5, text word 0.25) are fixed
/// defaults, not tuned: the ml-100k catalogue the blend was tuned on has genres and release years only.
/// Thread-safe (the featurizer's scratch space is per thread).
/// </summary>
internal sealed class CatalogueFeatures
{
    private const float GenreBoost = 1f;
    private const float TagBoost = 1f;
    private const float KindBoost = 0.5f;
    private const float TitleBoost = 0.5f;
    private const float TextBoost = 0.25f;

    private readonly TextFeaturizer _words = new(new TextFeaturizerSettings { WordNgrams = 1, MarkNegation = false, MaxTokens = 512 });

    public ContentItem Of(CatalogItem item)
    {
        var features = new List<ContentFeature>(item.Genres.Count + item.Tags.Count + 16);
        foreach (string genre in item.Genres)
        {
            features.Add(new ContentFeature("genre:" + genre.ToLowerInvariant(), GenreBoost));
        }

        foreach (string tag in item.Tags)
        {
            features.Add(new ContentFeature("tag:" + tag.ToLowerInvariant(), TagBoost));
        }

        features.Add(new ContentFeature("kind:" + CatalogueMapping.KindText(item.Kind), KindBoost));
        AddWords(item.Title, TitleBoost, features);
        if (!string.IsNullOrWhiteSpace(item.Text))
        {
            AddWords(item.Text, TextBoost, features);
        }

        return new ContentItem(new ItemMetadata(item.ItemId, CatalogueMapping.ToIndexKind(item.Kind), item.Genres), features);
    }

    private void AddWords(string text, float boost, List<ContentFeature> features)
    {
        var words = _words.Featurize(text, withTerms: true);
        for (int k = 0; k < words.Count; k++)
        {
            if (words.Terms![k].Length > 0 && char.IsLetterOrDigit(words.Terms[k][0]))
            {
                features.Add(new ContentFeature("w:" + words.Ids[k].ToString(System.Globalization.CultureInfo.InvariantCulture), boost));
            }
        }
    }
}
