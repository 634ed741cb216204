using MaaS.Services.Recommendations.Catalogue;

namespace MaaS.Services.Tests.Recommendations.Tenants;

public sealed class CatalogueSnapshotEmbeddingTests
{
    private static readonly CatalogueFeatures Features = new();

    [Fact]
    public void WithEmbeddings_SameArraysAgain_NothingToMerge_ANewArrayOfOneItemMergesThatOne()
    {
        var snapshot = Load(Item("a", "apples"), Item("b", "bananas"), Item("c", "cherries"));
        var vectors = new Dictionary<string, Half[]> { ["a"] = Vector(1), ["b"] = Vector(2), ["c"] = Vector(3) };

        var merged = snapshot.WithEmbeddings(i => vectors[i.ItemId], Features);
        Assert.NotNull(merged);
        Assert.Null(merged.WithEmbeddings(i => vectors[i.ItemId], Features));
        vectors["b"] = Vector(4);
        var again = merged.WithEmbeddings(i => vectors[i.ItemId], Features);

        Assert.NotNull(again);
        foreach (var (id, vector) in vectors)
        {
            Assert.True(again.Content!.EmbeddingOf(id).Span.SequenceEqual(Widened(vector)), $"item {id} does not hold its vector");
        }
    }

    [Fact]
    public void WithEmbeddings_ItemsTextChangedSinceTheMerge_MergedAgainFromTheSameArray()
    {
        var vector = Vector(5);
        var merged = Load(Item("a", "apples"), Item("b", "bananas")).WithEmbeddings(_ => vector, Features)!;
        var rewritten = Item("a", "apricots");

        // A new text drops the entry's vector: the next merge must put it back even though the array is the same.
        var applied = merged.Applied(CatalogueChanges.Of([new CatalogChange(2, "a", rewritten)], Features, featurise: true), Features);
        Assert.True(applied.Content!.EmbeddingOf("a").IsEmpty, "the rewritten item kept a vector of its old text");
        var again = applied.WithEmbeddings(_ => vector, Features);

        Assert.NotNull(again);
        Assert.True(again.Content!.EmbeddingOf("a").Span.SequenceEqual(Widened(vector)), "item a lost its vector");
        Assert.True(again.Content.EmbeddingOf("b").Span.SequenceEqual(Widened(vector)), "item b lost its vector");
    }

    private static CatalogueSnapshot Load(params CatalogItem[] items) =>
        CatalogueSnapshot.Empty.Applied(CatalogueChanges.Of([.. items.Select((item, i) => new CatalogChange(i + 1, item.ItemId, item))], Features, featurise: true), Features);

    private static CatalogItem Item(string id, string text) => new(id, ItemKind.Movie, "Title " + id, ["Drama"], [], text, null, null);

    private static Half[] Vector(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, 8).Select(_ => (Half)(random.NextSingle() - 0.5f))];
    }

    private static float[] Widened(Half[] vector) => [.. vector.Select(h => (float)h)];
}
