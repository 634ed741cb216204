namespace MaaS.Recommendations.Tests.Content;

public sealed class ContentIndexTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(7, 40)]
    [InlineData(13, 150)]
    public void Build_RandomItems_MatchesBruteForceCosine(int seed, int items)
    {
        var input = RandomItems(seed, items);

        var index = ContentIndex.Build(input, new ContentOptions(TopK: 5));

        var reference = BruteForce(input, 5);
        for (int i = 0; i < items; i++)
        {
            var expected = reference[i].OrderBy(p => p.Item).ToArray();
            Assert.True(expected.Select(p => p.Item).SequenceEqual(index.Rows[i]), $"seed {seed}, item {i}: expected [{string.Join(",", expected.Select(p => p.Item))}], got [{string.Join(",", index.Rows[i])}]");
            for (int r = 0; r < expected.Length; r++)
            {
                Assert.True(Math.Abs(expected[r].Value - index.RowWeights[i][r]) < 1e-5, $"seed {seed}, item {i}, neighbour {expected[r].Item}: {expected[r].Value} vs {index.RowWeights[i][r]}");
            }
        }
    }

    [Fact]
    public void Build_EmptyCatalogue_EmptyIndexThatAcceptsNewItems()
    {
        var index = ContentIndex.Build([]);

        Assert.Equal(0, index.ItemCount);
        Assert.Equal(0, index.NeighbourCount);
        Assert.Equal(2, index.WithItems([Item("a", "genre:x"), Item("b", "genre:x")]).ItemCount);
    }

    [Fact]
    public void Build_RepeatedId_KeepsLastEntry()
    {
        var index = ContentIndex.Build([Item("a", "genre:x"), Item("b", "genre:y"), Item("a", "genre:y")]);

        Assert.Equal(2, index.ItemCount);
        Assert.Equal([index.Items.GetOrAdd("b")], index.Rows[index.Items.GetOrAdd("a")]);
    }

    [Fact]
    public void WithItems_NewItem_EntersRowsOfItemsSharingFeatures()
    {
        var baseItems = Enumerable.Range(0, 20).Select(i => Item($"i{i}", $"genre:g{i % 4}", $"year:{1990 + i}")).ToList();
        var before = ContentIndex.Build(baseItems, new ContentOptions(TopK: 3));

        var after = before.WithItems([Item("new", "genre:g1", "year:1991")]);

        Assert.True(after.TryGetItemIndex("new", out int x));
        Assert.True(after.TryGetItemIndex("i1", out int twin));
        Assert.Contains(x, after.Rows[twin]);
        Assert.Contains(twin, after.Rows[x]);
        Assert.Equal(20, before.ItemCount);
        Assert.DoesNotContain(x, before.Rows[twin]);
    }

    [Fact]
    public void WithItems_ReplacedItem_LeavesRowsItNoLongerMatches()
    {
        var baseItems = Enumerable.Range(0, 20).Select(i => Item($"i{i}", $"genre:g{i % 4}")).ToList();
        var index = ContentIndex.Build(baseItems, new ContentOptions(TopK: 10));
        index.TryGetItemIndex("i0", out int moved);
        index.TryGetItemIndex("i4", out int formerTwin);
        Assert.Contains(moved, index.Rows[formerTwin]);

        var after = index.WithItems([Item("i0", "genre:g1")]);

        after.TryGetItemIndex("i1", out int newTwin);
        Assert.DoesNotContain(moved, after.Rows[formerTwin]);
        Assert.Contains(moved, after.Rows[newTwin]);
        Assert.Contains(newTwin, after.Rows[moved]);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(17)]
    public void WithItems_KeepingEveryNeighbour_RowsEqualBruteForceOverTheMergedVectors(int seed)
    {
        var all = RandomItems(seed, 55);
        var index = ContentIndex.Build(all.Take(50), new ContentOptions(TopK: 100));
        var replaced = RandomItems(seed + 1, 3).Select((c, k) => c with { Metadata = c.Metadata with { ItemId = $"i{k * 7}" } });

        var merged = index.WithItems([.. all.Skip(50).Take(5), .. replaced]);

        AssertRowsAreBruteForce(merged, $"seed {seed}");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(17)]
    public void WithoutItems_KeepingEveryNeighbour_RowsEqualBruteForceOverTheRemainingVectors(int seed)
    {
        var all = RandomItems(seed, 50);
        var index = ContentIndex.Build(all, new ContentOptions(TopK: 100));
        // i49 is the last index (removed outright); the others' indices are taken over by the last item left.
        string[] removed = ["i3", "i20", "i49", "i31", "absent"];

        var smaller = index.WithoutItems(removed);

        Assert.Equal(46, smaller.ItemCount);
        Assert.Equal(50, index.ItemCount);
        Assert.Equal(all.Select(i => i.Metadata.ItemId).Except(removed).Order(StringComparer.Ordinal), smaller.ItemIds.Order(StringComparer.Ordinal));
        for (int i = 0; i < smaller.ItemCount; i++)
        {
            Assert.True(smaller.TryGetItemIndex(smaller.ItemIds[i], out int at) && at == i, $"seed {seed}: {smaller.ItemIds[i]} maps to {at}, not {i}");
        }

        AssertRowsAreBruteForce(smaller, $"seed {seed}, after removing");
        // Putting an item back goes through the postings: stale or missing entries would show in its row or in others'.
        var restored = smaller.WithItems([all[20]]);
        AssertRowsAreBruteForce(restored, $"seed {seed}, after putting i20 back");
        Assert.True(restored.TryGetItemIndex("i20", out int back));
        Assert.True(index.TryGetItemIndex("i20", out int before));
        Assert.Equal(
            index.Rows[before].Select(j => index.ItemIds[j]).Where(id => !removed.Contains(id)).Order(StringComparer.Ordinal),
            restored.Rows[back].Select(j => restored.ItemIds[j]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WithoutItems_SharedFeatureNeighbour_LeavesEveryRowAndNoRefill()
    {
        var baseItems = Enumerable.Range(0, 20).Select(i => Item($"i{i}", $"genre:g{i % 4}")).ToList();
        var index = ContentIndex.Build(baseItems, new ContentOptions(TopK: 2));
        index.TryGetItemIndex("i4", out int twin);

        var after = index.WithoutItems(["i0"]);

        after.TryGetItemIndex("i4", out int twinAfter);
        var names = after.Rows[twinAfter].Select(j => after.ItemIds[j]).ToList();
        Assert.DoesNotContain("i0", names);
        Assert.Equal(index.Rows[twin].Select(j => index.ItemIds[j]).Where(id => id != "i0").Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.All(Enumerable.Range(0, after.ItemCount), i => Assert.DoesNotContain(after.ItemCount, after.Rows[i]));
    }

    [Fact]
    public void WithoutItems_MoreThanAQuarter_RebuildsFromWhatIsLeft()
    {
        var items = Enumerable.Range(0, 8).Select(i => Item($"i{i}", $"genre:g{i % 2}", "kind:movie")).ToList();
        var index = ContentIndex.Build(items);

        var after = index.WithoutItems(["i0", "i1", "i2"]);

        var rebuilt = ContentIndex.Build(items.Skip(3));
        Assert.Equal(rebuilt.ItemIds, after.ItemIds);
        Assert.Equal(rebuilt.Idf, after.Idf);
        Assert.Empty(index.WithoutItems([.. items.Select(i => i.Metadata.ItemId)]).ItemIds);
    }

    [Fact]
    public void Build_RareFeature_WeighsMoreThanCommonOne()
    {
        var items = new List<ContentItem> { Item("a", "genre:common", "tag:rare") };
        items.AddRange(Enumerable.Range(0, 9).Select(i => Item($"c{i}", "genre:common")));

        var index = ContentIndex.Build(items);

        var a = index.VectorWeights[0];
        Assert.True(a[1] > a[0], $"rare {a[1]} vs common {a[0]}");
        Assert.True(Math.Abs(a[0] - (MathF.Log(2f) / MathF.Sqrt((MathF.Log(2f) * MathF.Log(2f)) + (MathF.Log(11f) * MathF.Log(11f))))) < 1e-6, $"weight {a[0]}");
    }

    /// <summary>With every neighbour kept (TopK above the item count), each row is exactly the items of positive cosine.</summary>
    private static void AssertRowsAreBruteForce(ContentIndex index, string context)
    {
        for (int i = 0; i < index.ItemCount; i++)
        {
            var expected = new List<int>();
            for (int j = 0; j < index.ItemCount; j++)
            {
                if (j != i && Dot(index, i, j) > 0f)
                {
                    expected.Add(j);
                }
            }

            Assert.True(expected.SequenceEqual(index.Rows[i]), $"{context}, item {i}: expected [{string.Join(",", expected)}], got [{string.Join(",", index.Rows[i])}]");
            for (int r = 0; r < expected.Count; r++)
            {
                Assert.True(Math.Abs(Dot(index, i, expected[r]) - index.RowWeights[i][r]) < 1e-5, $"{context}, item {i}, neighbour {expected[r]}");
            }
        }
    }

    internal static ContentItem Item(string id, params string[] features) =>
        new(new ItemMetadata(id, ItemKind.Movie, [.. features.Where(f => f.StartsWith("genre:", StringComparison.Ordinal)).Select(f => f[6..])]),
            [.. features.Select(f => new ContentFeature(f, 1f))]);

    /// <summary>Scalar reference: the dot product of two items' TF-IDF vectors as the index stores them.</summary>
    internal static float Dot(ContentIndex index, int a, int b)
    {
        float sum = 0f;
        for (int k = 0; k < index.VectorIds[a].Length; k++)
        {
            int at = Array.IndexOf(index.VectorIds[b], index.VectorIds[a][k]);
            if (at >= 0)
            {
                sum += index.VectorWeights[a][k] * index.VectorWeights[b][at];
            }
        }

        return sum;
    }

    private static List<ContentItem> RandomItems(int seed, int count)
    {
        var random = new Random(seed);
        var items = new List<ContentItem>();
        for (int i = 0; i < count; i++)
        {
            int features = random.Next(0, 6);
            var list = new List<ContentFeature>();
            for (int f = 0; f < features; f++)
            {
                list.Add(new ContentFeature($"f{random.Next(12)}", 0.5f + (float)random.NextDouble()));
            }

            items.Add(new ContentItem(new ItemMetadata($"i{i}", ItemKind.Game, []), list));
        }

        return items;
    }

    // Dense scalar reference: the same TF-IDF formula, every pair's cosine, top-k by value (then lower index).
    private static List<(int Item, float Value)>[] BruteForce(List<ContentItem> items, int k)
    {
        int n = items.Count;
        var vectors = items.Select(i => i.Features.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Sum(f => f.Weight))).ToArray();
        var df = vectors.SelectMany(v => v.Keys).GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var weighted = vectors.Select(v =>
        {
            var w = v.ToDictionary(p => p.Key, p => p.Value * MathF.Log(1f + ((float)n / df[p.Key])));
            float norm = MathF.Sqrt(w.Values.Sum(x => x * x));
            return w.ToDictionary(p => p.Key, p => p.Value / norm);
        }).ToArray();
        var rows = new List<(int, float)>[n];
        for (int i = 0; i < n; i++)
        {
            var all = new List<(int Item, float Value)>();
            for (int j = 0; j < n; j++)
            {
                float dot = weighted[i].Where(p => weighted[j].ContainsKey(p.Key)).Sum(p => p.Value * weighted[j][p.Key]);
                if (j != i && dot > 0f)
                {
                    all.Add((j, dot));
                }
            }

            rows[i] = [.. all.OrderByDescending(p => p.Value).ThenBy(p => p.Item).Take(k)];
        }

        return rows;
    }
}
