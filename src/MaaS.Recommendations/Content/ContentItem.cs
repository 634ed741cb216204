namespace MaaS.Recommendations.Content;

/// <summary>One already-tokenized feature of an item: a genre, tag, kind or text token.</summary>
/// <param name="Key">Feature key, e.g. <c>genre:horror</c> or <c>w:48151</c> (a hashed word); compared ordinally.</param>
/// <param name="Weight">Raw strength before IDF: term frequency times the field's boost (must be &gt; 0 to count).</param>
public readonly record struct ContentFeature(string Key, float Weight);

/// <summary>An item as the content index sees it: its filter attributes and its features (the host featurizes).</summary>
/// <param name="Metadata">Id, kind and genres (the genres drive filters; they are features only if also listed in <paramref name="Features"/>).</param>
/// <param name="Features">Features; repeated keys add up.</param>
public sealed record ContentItem(ItemMetadata Metadata, IReadOnlyList<ContentFeature> Features)
{
    /// <summary>A dense embedding of the item's text (e.g. a sentence encoder's), or null when it has none yet. The
    /// index keeps a unit-length copy; items of other lengths are not compared with it.</summary>
    public ReadOnlyMemory<float> Embedding { get; init; }
}
