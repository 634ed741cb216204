using MaaS.Recommendations.Interactions;

namespace MaaS.Benchmarks.Recommendations;

/// <summary>
/// A synthetic interaction set shaped like MovieLens-25M: 162,541 users, 62,423 items, ~25M interactions; user
/// activity log-normal (median 71, mean ~153, at least 20, as in ML-25M) and item popularity Zipf (s = 1.0), ratings
/// 1..5. Built straight into CSR (no string events) so generation does not dominate memory.
/// </summary>
internal static class SyntheticInteractions
{
    public const int Users = 162_541;
    public const int Items = 62_423;

    public static InteractionMatrix Create(int seed = 1, long targetInteractions = 25_000_000)
    {
        var random = new Random(seed);
        var cumulative = new double[Items];
        double total = 0;
        for (int i = 0; i < Items; i++)
        {
            total += 1.0 / Math.Pow(i + 1, 1.0);
            cumulative[i] = total;
        }

        var degrees = new int[Users];
        long sum = 0;
        for (int u = 0; u < Users; u++)
        {
            // Box-Muller normal → log-normal(μ = ln 71, σ = 1.24), clamped to [20, 8000].
            double z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            degrees[u] = (int)Math.Clamp(Math.Exp(Math.Log(71) + (1.24 * z)), 20, 8000);
            sum += degrees[u];
        }

        // Rescale to the target count.
        double scale = (double)targetInteractions / sum;
        long nnz = 0;
        for (int u = 0; u < Users; u++)
        {
            degrees[u] = Math.Clamp((int)Math.Round(degrees[u] * scale), 20, 8000);
            nnz += degrees[u];
        }

        var userIdx = new int[nnz];
        var itemIdx = new int[nnz];
        var values = new float[nnz];
        var seen = new HashSet<int>();
        long at = 0;
        for (int u = 0; u < Users; u++)
        {
            seen.Clear();
            while (seen.Count < degrees[u])
            {
                int item = Array.BinarySearch(cumulative, random.NextDouble() * total);
                item = item < 0 ? ~item : item;
                if (item < Items && seen.Add(item))
                {
                    userIdx[at] = u;
                    itemIdx[at] = item;
                    values[at] = random.Next(1, 6);
                    at++;
                }
            }
        }

        var users = new IdMap(Enumerable.Range(0, Users).Select(u => u.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var items = new IdMap(Enumerable.Range(0, Items).Select(i => "i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return InteractionMatrixBuilder.FromTriples(users, items, userIdx, itemIdx, values, new WeightingOptions(ValueScheme.Rating), 0);
    }
}
