namespace MaaS.Recommendations.Tests.Similarity;

/// <summary>The sparse parallel build against a dense brute-force reference on random data.</summary>
public sealed class SimilarityBuilderTests
{
    public static TheoryData<SimilarityMeasure, float, float, float, float, float> Configurations() => new()
    {
        { SimilarityMeasure.Cosine, 0.5f, 0f, 0f, 0f, 1f },
        { SimilarityMeasure.AsymmetricCosine, 0.8f, 0.3f, 0.75f, 0f, 1f },
        { SimilarityMeasure.AsymmetricCosine, 0.5f, 0f, 0f, 5f, 2f },
        { SimilarityMeasure.Jaccard, 0.5f, 0f, 0f, 0f, 1f },
        { SimilarityMeasure.Lift, 0.5f, 0f, 0f, 0f, 1f },
        { SimilarityMeasure.Cooccurrence, 0.5f, 0f, 0f, 0f, 1f },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Build_RandomData_MatchesDenseReference(SimilarityMeasure measure, float alpha, float beta, float gamma, float shrink, float q)
    {
        // SAR's Jaccard and lift are defined on binary co-occurrence counts.
        bool binary = measure is SimilarityMeasure.Jaccard or SimilarityMeasure.Lift;
        var (matrix, dense) = RandomMatrix(seed: 17, users: 60, items: 40, binary);
        var options = new SimilarityOptions(measure, alpha, beta, gamma, shrink, q, TopK: 40);

        var graph = SimilarityBuilder.Build(matrix, options, TestContext.Current.CancellationToken);

        var degree = Enumerable.Range(0, 60).Select(u => (double)Enumerable.Range(0, 40).Count(i => dense[u, i] != 0)).ToArray();
        for (int i = 0; i < 40; i++)
        {
            for (int j = 0; j < 40; j++)
            {
                double expected = i == j ? 0 : Reference(dense, degree, i, j, options);
                int at = graph.Row(i).IndexOf(j);
                double actual = at < 0 ? 0 : graph.RowWeights(i)[at];
                Assert.True(Math.Abs(expected - actual) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"{measure} ({i},{j}): expected {expected}, got {actual}");
            }
        }
    }

    [Fact]
    public void Build_TopK_KeepsTheLargestInAscendingItemOrder()
    {
        var (matrix, _) = RandomMatrix(seed: 5, users: 80, items: 50);
        var full = SimilarityBuilder.Build(matrix, new SimilarityOptions(SimilarityMeasure.Cosine, TopK: 50), TestContext.Current.CancellationToken);
        var top = SimilarityBuilder.Build(matrix, new SimilarityOptions(SimilarityMeasure.Cosine, TopK: 5), TestContext.Current.CancellationToken);

        for (int i = 0; i < 50; i++)
        {
            var expected = full.Row(i).ToArray().Zip(full.RowWeights(i).ToArray())
                .OrderByDescending(p => p.Second).ThenBy(p => p.First).Take(5).Select(p => p.First).Order().ToArray();
            Assert.Equal(expected, top.Row(i).ToArray());
        }
    }

    [Fact]
    public void Build_Ease_MatchesClosedFormOnSmallData()
    {
        var (matrix, dense) = RandomMatrix(seed: 9, users: 30, items: 8);
        var graph = SimilarityBuilder.Build(matrix, new SimilarityOptions(SimilarityMeasure.Ease, EaseLambda: 2f, TopK: 8), TestContext.Current.CancellationToken);

        // Reference: invert G + λI in double by Gauss-Jordan with partial pivoting.
        int n = 8;
        var a = new double[n, 2 * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double g = 0;
                for (int u = 0; u < 30; u++)
                {
                    g += dense[u, i] * dense[u, j];
                }

                a[i, j] = g + (i == j ? 2 : 0);
            }

            a[i, n + i] = 1;
        }

        for (int p = 0; p < n; p++)
        {
            double d = a[p, p];
            for (int c = 0; c < 2 * n; c++)
            {
                a[p, c] /= d;
            }

            for (int r = 0; r < n; r++)
            {
                if (r != p)
                {
                    double f = a[r, p];
                    for (int c = 0; c < 2 * n; c++)
                    {
                        a[r, c] -= f * a[p, c];
                    }
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double b = i == j ? 0 : -a[i, n + j] / a[j, n + j];
                int at = graph.Row(i).IndexOf(j);
                double actual = at < 0 ? 0 : graph.RowWeights(i)[at];
                Assert.Equal(Math.Max(0, b), actual, 4);
            }
        }
    }

    private static double Reference(double[,] x, double[] userDegree, int i, int j, SimilarityOptions o)
    {
        int users = x.GetLength(0);
        double co = 0, ni = 0, nj = 0, si = 0, sj = 0;
        for (int u = 0; u < users; u++)
        {
            double f = o.UserDegreeExponent == 0 || userDegree[u] == 0 ? 1 : Math.Pow(userDegree[u], -o.UserDegreeExponent);
            co += x[u, i] * x[u, j] * f;
            ni += x[u, i] * x[u, i];
            nj += x[u, j] * x[u, j];
            si += x[u, i];
            sj += x[u, j];
        }

        if (co == 0)
        {
            return 0;
        }

        double s = o.Measure switch
        {
            SimilarityMeasure.Cosine => co / ((Math.Sqrt(ni) * Math.Sqrt(nj)) + o.Shrinkage),
            SimilarityMeasure.AsymmetricCosine => co / ((Math.Pow(ni, o.Alpha) * Math.Pow(nj, 1 - o.Alpha + o.PopularityPenalty)) + o.Shrinkage),
            SimilarityMeasure.Jaccard => co / (si + sj + o.Shrinkage - co),
            SimilarityMeasure.Lift => co / ((si * sj) + o.Shrinkage),
            _ => co / (1 + o.Shrinkage),
        };
        return Math.Pow(s, o.Locality);
    }

    private static (InteractionMatrix Matrix, double[,] Dense) RandomMatrix(int seed, int users, int items, bool binary = false)
    {
        var random = new Random(seed);
        var dense = new double[users, items];
        var events = new List<InteractionEvent>();
        for (int u = 0; u < users; u++)
        {
            for (int i = 0; i < items; i++)
            {
                // Skewed popularity so norms differ.
                if (random.NextDouble() < 0.5 / (1 + (i * 0.1)))
                {
                    int rating = binary ? 1 : random.Next(1, 6);
                    dense[u, i] = rating;
                    events.Add(new InteractionEvent($"u{u}", $"i{i}", rating, 0));
                }
            }
        }

        // Pre-seed ids so index == number.
        var itemMap = new IdMap(Enumerable.Range(0, items).Select(i => $"i{i}"));
        var matrix = InteractionMatrixBuilder.Build(events, new WeightingOptions(ValueScheme.Rating), itemMap);
        var remapped = new double[users, items];
        for (int u = 0; u < users; u++)
        {
            if (matrix.Users.TryGetIndex($"u{u}", out int row))
            {
                for (int i = 0; i < items; i++)
                {
                    remapped[row, i] = dense[u, i];
                }
            }
        }

        return (matrix, remapped);
    }
}
