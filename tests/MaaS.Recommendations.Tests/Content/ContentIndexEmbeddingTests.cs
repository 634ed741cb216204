namespace MaaS.Recommendations.Tests.Content;

public sealed class ContentIndexEmbeddingTests
{
    private const int Dimensions = 12;

    [Theory]
    [InlineData(5, 0.6f)]
    [InlineData(11, 1f)]
    [InlineData(23, 0.25f)]
    public void Build_WithEmbeddings_RowsAreTheBlendOfTfIdfAndEmbeddingCosine(int seed, float weight)
    {
        var items = RandomItems(seed, 60);

        var index = ContentIndex.Build(items, new ContentOptions(TopK: 100, EmbeddingWeight: weight));

        AssertRowsAreBlend(index, items, weight, $"seed {seed}, λ {weight}");
        Assert.Equal(items.Count(i => !i.Embedding.IsEmpty), index.EmbeddedCount);
    }

    [Fact]
    public void Build_ZeroWeight_IgnoresEmbeddings()
    {
        var items = RandomItems(7, 40);

        var with = ContentIndex.Build(items, new ContentOptions(TopK: 5, EmbeddingWeight: 0f));
        var without = ContentIndex.Build(items.Select(i => i with { Embedding = default }), new ContentOptions(TopK: 5, EmbeddingWeight: 0f));

        for (int i = 0; i < items.Count; i++)
        {
            Assert.True(with.Rows[i].SequenceEqual(without.Rows[i]), $"item {i}: [{string.Join(",", with.Rows[i])}] vs [{string.Join(",", without.Rows[i])}]");
            Assert.True(with.RowWeights[i].SequenceEqual(without.RowWeights[i]), $"item {i} weights");
        }
    }

    [Fact]
    public void Build_WeightOutsideZeroToOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ContentIndex.Build(RandomItems(1, 3), new ContentOptions(EmbeddingWeight: 1.5f)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ContentIndex.Build(RandomItems(1, 3), new ContentOptions(EmbeddingWeight: float.NaN)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(17)]
    public void WithItemsAndWithoutItems_WithEmbeddings_RowsStayTheBlend(int seed)
    {
        var all = RandomItems(seed, 60);
        var options = new ContentOptions(TopK: 100, EmbeddingWeight: 0.7f);
        var index = ContentIndex.Build(all.Take(50), options);
        // A replaced item keeps its features but gets another embedding: only the dense part of its rows changes.
        var replaced = all[4] with { Embedding = Vector(new Random(seed + 99)) };

        var merged = index.WithItems([.. all.Skip(50), replaced]);
        var expected = all.Select(i => i.Metadata.ItemId == "i4" ? replaced : i).ToList();
        AssertRowsAreBlend(merged, expected, 0.7f, $"seed {seed}, merged");

        var smaller = merged.WithoutItems(["i3", "i20", "i59"]);
        AssertRowsAreBlend(smaller, [.. expected.Where(i => i.Metadata.ItemId is not ("i3" or "i20" or "i59"))], 0.7f, $"seed {seed}, after removing");
    }

    [Fact]
    public void WithoutItems_EmbeddingOnlyNeighbour_LeavesEveryRow()
    {
        // No shared feature anywhere: every neighbour is an embedding neighbour, which no posting list reaches.
        var random = new Random(31);
        var items = Enumerable.Range(0, 12).Select(i => Item($"i{i}", Vector(random), $"f{i}")).ToList();
        var index = ContentIndex.Build(items, new ContentOptions(TopK: 100, EmbeddingWeight: 1f));
        Assert.True(index.TryGetItemIndex("i0", out int gone));
        Assert.Contains(Enumerable.Range(0, 12), j => index.Rows[j].Contains(gone));

        var smaller = index.WithoutItems(["i0"]);

        Assert.True(smaller.TryGetItemIndex("i11", out int moved));
        Assert.Equal(0, moved);
        AssertRowsAreBlend(smaller, [.. items.Skip(1)], 1f, "after removing i0");
    }

    [Fact]
    public void Build_ItemWithoutEmbedding_KeepsItsTfIdfNeighbours()
    {
        var items = new List<ContentItem>
        {
            Item("a", default, "genre:x"),
            Item("b", Vector(new Random(1)), "genre:x"),
            Item("c", Vector(new Random(1)), "genre:y"),
        };

        var index = ContentIndex.Build(items, new ContentOptions(TopK: 10, EmbeddingWeight: 0.8f));

        Assert.True(index.TryGetItemIndex("a", out int a));
        Assert.True(index.TryGetItemIndex("b", out int b));
        Assert.True(index.TryGetItemIndex("c", out int c));
        Assert.Equal([b], index.Rows[a]);
        Assert.Equal(1f, index.RowWeights[a][0], 1e-5f);
        // b and c share no feature but the same embedding: cosine 1, weighted 0.8.
        Assert.Equal(0.8f, index.WeightOf(b, c), 1e-5f);
    }

    private static void AssertRowsAreBlend(ContentIndex index, List<ContentItem> inputs, float weight, string context)
    {
        var byId = inputs.ToDictionary(i => i.Metadata.ItemId, StringComparer.Ordinal);
        for (int i = 0; i < index.ItemCount; i++)
        {
            var expected = new List<(int Item, float Value)>();
            for (int j = 0; j < index.ItemCount; j++)
            {
                var (a, b) = (byId[index.ItemIds[i]], byId[index.ItemIds[j]]);
                float value = a.Embedding.IsEmpty || b.Embedding.IsEmpty
                    ? TfIdfDot(index, i, j)
                    : ((1f - weight) * TfIdfDot(index, i, j)) + (weight * MathF.Max(0f, Cosine(a, b)));
                if (j != i && value > 0f)
                {
                    expected.Add((j, value));
                }
            }

            Assert.True(expected.Select(e => e.Item).SequenceEqual(index.Rows[i]),
                $"{context}, item {index.ItemIds[i]}: expected [{string.Join(",", expected.Select(e => e.Item))}], got [{string.Join(",", index.Rows[i])}]");
            for (int r = 0; r < expected.Count; r++)
            {
                Assert.True(Math.Abs(expected[r].Value - index.RowWeights[i][r]) < 1e-4, $"{context}, item {i}, neighbour {expected[r].Item}: {expected[r].Value} vs {index.RowWeights[i][r]}");
            }
        }
    }

    // Scalar references: TF-IDF over the index's own vectors, cosine over the raw inputs (the index normalises its copy).
    private static float TfIdfDot(ContentIndex index, int a, int b) => ContentIndexTests.Dot(index, a, b);

    private static float Cosine(ContentItem a, ContentItem b)
    {
        if (a.Embedding.IsEmpty || b.Embedding.IsEmpty)
        {
            return 0f;
        }

        double dot = 0, na = 0, nb = 0;
        for (int d = 0; d < Dimensions; d++)
        {
            dot += a.Embedding.Span[d] * b.Embedding.Span[d];
            na += a.Embedding.Span[d] * a.Embedding.Span[d];
            nb += b.Embedding.Span[d] * b.Embedding.Span[d];
        }

        return (float)(dot / Math.Sqrt(na * nb));
    }

    private static ContentItem Item(string id, ReadOnlyMemory<float> embedding, params string[] features) =>
        ContentIndexTests.Item(id, features) with { Embedding = embedding };

    private static float[] Vector(Random random) => [.. Enumerable.Range(0, Dimensions).Select(_ => (float)(random.NextDouble() * 2 - 0.6))];

    // A fifth of the items have no embedding; features as in ContentIndexTests (some items have none).
    private static List<ContentItem> RandomItems(int seed, int count)
    {
        var random = new Random(seed);
        var items = new List<ContentItem>();
        for (int i = 0; i < count; i++)
        {
            var list = new List<ContentFeature>();
            int features = random.Next(0, 6);
            for (int f = 0; f < features; f++)
            {
                list.Add(new ContentFeature($"f{random.Next(12)}", 0.5f + (float)random.NextDouble()));
            }

            var embedding = random.Next(5) == 0 ? default : new ReadOnlyMemory<float>(Vector(random));
            items.Add(new ContentItem(new ItemMetadata($"i{i}", ItemKind.Game, []), list) { Embedding = embedding });
        }

        return items;
    }
}
