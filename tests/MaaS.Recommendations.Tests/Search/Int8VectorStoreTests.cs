using System.Numerics.Tensors;
using MaaS.Recommendations.Search;

namespace MaaS.Recommendations.Tests.Search;

public sealed class Int8VectorStoreTests
{
    [Theory]
    [InlineData(1, 1, 3)]
    [InlineData(2, 65, 384)]
    [InlineData(3, 200, 37)]
    public void Search_RandomUnitRows_ScoresWithinQuantisationErrorOfFp32(int seed, int rows, int dimensions)
    {
        var random = new Random(seed);
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

        float[] query = [.. data.AsSpan(0, dimensions)];
        var store = Int8VectorStore.Build(data, dimensions);

        var hits = store.Search(query, rows);

        Assert.Equal(rows, hits.Count);
        Assert.Equal(dimensions + 4, store.BytesPerRow);
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
}
