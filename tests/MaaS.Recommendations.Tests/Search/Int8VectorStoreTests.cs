using System.Numerics.Tensors;

namespace MaaS.Recommendations.Tests.Search;

public sealed class Int8VectorStoreTests
{
    [Theory]
    [InlineData(1, 1, 3)]
    [InlineData(2, 65, 384)]
    [InlineData(3, 200, 37)]
    public void Search_RandomUnitRows_ScoresWithinQuantisationErrorOfFp32(int seed, int rows, int dimensions)
    {
        var data = UnitRows(new Random(seed), rows, dimensions);
        float[] query = [.. data.AsSpan(0, dimensions)];
        var store = Int8VectorStore.Build(data, dimensions);

        var hits = store.Search(query, rows);

        Assert.Equal(rows, hits.Count);
        Assert.Equal(dimensions + 4 + (2 * dimensions), store.BytesPerRow);
        Assert.Equal(0, store.Lists);
        Assert.Equal(0, hits[0].Row);
        for (int i = 0; i < hits.Count; i++)
        {
            float exact = TensorPrimitives.Dot(query, data.AsSpan(hits[i].Row * dimensions, dimensions));
            // Per-row scale max|x|/127: each product is off by at most |q_k| · scale / 2, summed ≤ ‖q‖₁ · scale / 2.
            Assert.True(Math.Abs(exact - hits[i].Similarity) < 0.02f, $"seed {seed}, row {hits[i].Row}: exact {exact}, int8 {hits[i].Similarity}");
            Assert.True(i == 0 || hits[i - 1].Similarity >= hits[i].Similarity, $"seed {seed}: not sorted at {i}");
        }
    }

    [Fact]
    public void Search_FilterAndCount_Respected()
    {
        float[] data = [1, 0, 0.9f, 0.1f, 0, 1, -1, 0];
        var store = Int8VectorStore.Build(data, 2);

        Assert.Equal([0, 1], store.Search([1, 0], 2).Select(h => h.Row));
        Assert.Equal([1, 2], store.Search([1, 0], 2, row => row != 0).Select(h => h.Row));
        Assert.Empty(store.Search([1, 0], 0));
        Assert.Throws<ArgumentException>(() => store.Search([1, 0, 0], 1));
    }

    [Fact]
    public void Search_SmallStore_ScansEveryRowAndRanksAsExactFp32()
    {
        const int rows = 2_000, dimensions = 64;
        var data = UnitRows(new Random(7), rows, dimensions);
        var store = Int8VectorStore.Build(data, dimensions);

        Assert.Equal(0, store.Lists);
        for (int q = 0; q < 20; q++)
        {
            var query = data.AsSpan(q * 97 * dimensions, dimensions).ToArray();
            query[q % dimensions] += 0.3f;

            Assert.Equal(ExactTop(data, dimensions, query, 10), store.Search(query, 10).Select(h => h.Row));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    public void Search_DeepListWithSmallHead_HeadAsThePageSearchAndTailInInt8Order(int probes)
    {
        // Hybrid search asks for 200 rows to fuse and shows 10: the head is what a search for 10 re-ranks, the rest
        // follows by int8 score, every row once, with similarities within int8's error of fp32 (the query's scale put back).
        const int rows = 3_000, dimensions = 48, depth = 200, page = 10;
        var random = new Random(23);
        var data = Clustered(random, rows, dimensions, 30, 0.3f);
        var store = Int8VectorStore.Build(data, dimensions, lists: 24);
        for (int q = 0; q < 10; q++)
        {
            var query = data.AsSpan(random.Next(rows) * dimensions, dimensions).ToArray();
            query[q] += 0.2f;

            var deep = store.Search(query, depth, null, probes, page);
            int head = Int8VectorStore.CandidatesFor(page);

            Assert.Equal(depth, deep.Count);
            Assert.Equal(depth, deep.Select(h => h.Row).Distinct().Count());
            // The page search re-ranks the same best 64 by int8 and keeps 10 of them.
            Assert.Equal(store.Search(query, page, null, probes), deep.Take(page));
            for (int i = 0; i < depth; i++)
            {
                float exact = TensorPrimitives.Dot(query, data.AsSpan(deep[i].Row * dimensions, dimensions));
                Assert.True(Math.Abs(exact - deep[i].Similarity) < 0.03f, $"query {q}, rank {i + 1}: exact {exact}, shown {deep[i].Similarity}");
                Assert.True(i == 0 || i == head || deep[i - 1].Similarity >= deep[i].Similarity, $"query {q}: not in order at {i}");
            }

            // Asking for the whole depth re-ranked changes nothing of the page.
            Assert.Equal(store.Search(query, depth, null, probes).Take(page), deep.Take(page));
        }
    }

    [Fact]
    public void Search_PastExactUpTo_BuildsListsAndRecallAtTenIsAtLeast099()
    {
        // Seeded clusters (200 centres, rows within noise of one), queries near a row: the nearest rows of a query
        // are its cluster's, spread over whichever lists k-means made of the clusters.
        const int rows = Int8VectorStore.ExactUpTo + 5_000, dimensions = 48, queries = 100;
        var random = new Random(11);
        var data = Clustered(random, rows, dimensions, 200, 0.15f);
        var store = Int8VectorStore.Build(data, dimensions);

        Assert.Equal(Int8VectorStore.ListsFor(rows), store.Lists);
        Assert.True(store.Lists > 0 && store.Probes < store.Lists, $"{store.Lists} lists, {store.Probes} probes");
        int found = 0;
        for (int q = 0; q < queries; q++)
        {
            var query = data.AsSpan(random.Next(rows) * dimensions, dimensions).ToArray();
            foreach (ref float x in query.AsSpan())
            {
                x += (float)((random.NextDouble() * 2) - 1) * 0.05f;
            }

            var truth = ExactTop(data, dimensions, query, 10).ToHashSet();
            var hits = store.Search(query, 10);
            Assert.Equal(10, hits.Count);
            found += hits.Count(h => truth.Contains(h.Row));
            // Every list scanned is exact search again.
            Assert.Equal(store.Search(query, 10, null, 0), store.Search(query, 10, null, store.Lists));
        }

        double recall = found / (queries * 10.0);
        Assert.True(recall >= 0.99, $"IVF recall@10 {recall:F4} against exact fp32");
    }

    [Fact]
    public void Search_ListsWithNarrowFilter_FallsBackToEveryRow()
    {
        const int rows = 3_000, dimensions = 16;
        var data = UnitRows(new Random(5), rows, dimensions);
        var store = Int8VectorStore.Build(data, dimensions, lists: 50);
        float[] query = [.. data.AsSpan(0, dimensions)];
        Func<int, bool> accept = row => row % 499 == 1;

        var hits = store.Search(query, 5, accept);

        Assert.Equal(5, hits.Count);
        Assert.All(hits, h => Assert.True(accept(h.Row)));
        Assert.Equal(store.Search(query, 5, accept, 0), hits);
    }

    [Theory]
    [InlineData(3_000, 384, 0.05f)]
    [InlineData(Int8VectorStore.ExactUpTo + 5_000, 48, 0.15f)]
    public void Search_BuiltFromFp16RoundedRows_RecallAtTenAgainstExactFp32AtLeast099(int rows, int dimensions, float noise)
    {
        // The search service keeps item vectors in fp16 and rebuilds the store from them widened back to fp32: the
        // ranking must stay within the recall goal against exact fp32 over the encoder's own vectors. Tight clusters
        // make near-ties, where rounding would reorder first.
        var random = new Random(rows);
        var data = Clustered(random, rows, dimensions, rows / 100, noise);
        var half = new Half[data.Length];
        TensorPrimitives.ConvertToHalf(data, half);
        var widened = new float[data.Length];
        TensorPrimitives.ConvertToSingle(half, widened);
        var store = Int8VectorStore.Build(widened, dimensions);

        Assert.Equal(Int8VectorStore.ListsFor(rows), store.Lists);
        int found = 0, queries = 100;
        for (int q = 0; q < queries; q++)
        {
            var query = data.AsSpan(random.Next(rows) * dimensions, dimensions).ToArray();
            foreach (ref float x in query.AsSpan())
            {
                x += (float)((random.NextDouble() * 2) - 1) * noise / 3;
            }

            var truth = ExactTop(data, dimensions, query, 10).ToHashSet();
            found += store.Search(query, 10).Count(h => truth.Contains(h.Row));
        }

        double recall = found / (queries * 10.0);
        Assert.True(recall >= 0.99, $"recall@10 {recall:F4} of the store built from fp16 rows against exact fp32, {rows} rows, {store.Lists} lists");
    }

    /// <summary>Unit rows each within <paramref name="noise"/> of one of <paramref name="clusters"/> random unit centres.</summary>
    private static float[] Clustered(Random random, int rows, int dimensions, int clusters, float noise)
    {
        var centres = UnitRows(random, clusters, dimensions);
        var data = new float[rows * dimensions];
        for (int r = 0; r < rows; r++)
        {
            var row = data.AsSpan(r * dimensions, dimensions);
            centres.AsSpan(random.Next(clusters) * dimensions, dimensions).CopyTo(row);
            foreach (ref float x in row)
            {
                x += (float)((random.NextDouble() * 2) - 1) * noise;
            }

            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        }

        return data;
    }

    private static float[] UnitRows(Random random, int rows, int dimensions)
    {
        var data = new float[rows * dimensions];
        for (int r = 0; r < rows; r++)
        {
            var row = data.AsSpan(r * dimensions, dimensions);
            foreach (ref float x in row)
            {
                x = (float)((random.NextDouble() * 2) - 1);
            }

            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        }

        return data;
    }

    private static int[] ExactTop(float[] data, int dimensions, float[] query, int k) =>
        [.. Enumerable.Range(0, data.Length / dimensions)
            .Select(r => (Row: r, Score: TensorPrimitives.Dot(query, data.AsSpan(r * dimensions, dimensions))))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Row).Take(k).Select(x => x.Row)];
}
