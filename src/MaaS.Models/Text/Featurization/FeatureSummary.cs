namespace MaaS.Models.Text.Featurization;

/// <summary>What <see cref="TextFeaturizer.Featurize(ReadOnlySpan{char}, Span{int})"/> wrote.</summary>
/// <param name="Count">Ids written (distinct, each in <c>[0, Buckets)</c>).</param>
/// <param name="Weight">The weight every one of those ids carries (1, or 1/√Count for L2-normalised models).</param>
/// <param name="TokenCount">Tokens kept after the token limit.</param>
/// <param name="Truncated">True when tokens or features past the limits were dropped.</param>
/// <param name="WordFeatureCount">How many leading ids are word n-grams (the rest are character n-grams).</param>
public readonly record struct FeatureSummary(int Count, float Weight, int TokenCount, bool Truncated, int WordFeatureCount);
