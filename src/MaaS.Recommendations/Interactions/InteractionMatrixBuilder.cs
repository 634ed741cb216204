namespace MaaS.Recommendations.Interactions;

/// <summary>Builds an <see cref="InteractionMatrix"/> from events. Stateless and thread-safe.</summary>
public static class InteractionMatrixBuilder
{
    /// <summary>Maps ids, weights values, merges repeated (user, item) events and applies re-weighting.</summary>
    /// <param name="events">Events in any order; enumerated once.</param>
    /// <param name="options">Weighting; <c>null</c> means binary.</param>
    /// <param name="items">Optional pre-seeded item map (for example the catalogue) so items with no events keep an index.</param>
    public static InteractionMatrix Build(IEnumerable<InteractionEvent> events, WeightingOptions? options = null, IdMap? items = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        options ??= new WeightingOptions();
        var users = new IdMap();
        items ??= new IdMap();
        var u = new List<int>();
        var i = new List<int>();
        var v = new List<float>();
        var t = new List<long>();
        long newest = long.MinValue;
        foreach (var e in events)
        {
            u.Add(users.GetOrAdd(e.UserId));
            i.Add(items.GetOrAdd(e.ItemId));
            v.Add(options.Scheme == ValueScheme.Binary ? 1f : e.Value);
            t.Add(e.Timestamp);
            newest = Math.Max(newest, e.Timestamp);
        }

        var values = v.ToArray();
        if (options.HalfLifeSeconds is double halfLife && halfLife > 0)
        {
            for (int k = 0; k < values.Length; k++)
            {
                values[k] *= (float)Math.Pow(0.5, (newest - t[k]) / halfLife);
            }
        }

        return FromTriples(users, items, u.ToArray(), i.ToArray(), values, options, newest == long.MinValue ? 0 : newest);
    }

    /// <summary>CSR from parallel triple arrays with dense indices; repeated pairs merge (binary: 1, rating: sum).</summary>
    internal static InteractionMatrix FromTriples(IdMap users, IdMap items, int[] userIdx, int[] itemIdx, float[] values, WeightingOptions options, long newest)
    {
        int nUsers = users.Count;
        var offsets = new int[nUsers + 1];
        foreach (int x in userIdx)
        {
            offsets[x + 1]++;
        }

        for (int r = 0; r < nUsers; r++)
        {
            offsets[r + 1] += offsets[r];
        }

        var cursor = offsets.AsSpan(0, nUsers).ToArray();
        var cols = new int[userIdx.Length];
        var vals = new float[userIdx.Length];
        for (int k = 0; k < userIdx.Length; k++)
        {
            int dst = cursor[userIdx[k]]++;
            cols[dst] = itemIdx[k];
            vals[dst] = values[k];
        }

        // Sort each row by item and merge duplicates in place, compacting rows towards the front.
        bool binary = options.Scheme == ValueScheme.Binary && options.HalfLifeSeconds is null;
        int write = 0;
        int rowStart = 0;
        for (int r = 0; r < nUsers; r++)
        {
            int start = rowStart;
            int end = offsets[r + 1];
            rowStart = end;
            Array.Sort(cols, vals, start, end - start);
            int rowBegin = write;
            for (int k = start; k < end; k++)
            {
                if (write > rowBegin && cols[write - 1] == cols[k])
                {
                    vals[write - 1] = binary ? 1f : vals[write - 1] + vals[k];
                    continue;
                }

                cols[write] = cols[k];
                vals[write] = vals[k];
                write++;
            }

            offsets[r] = rowBegin;
        }

        offsets[nUsers] = write;
        Array.Resize(ref cols, write);
        Array.Resize(ref vals, write);
        Reweight(options, nUsers, items.Count, offsets, cols, vals);
        return new InteractionMatrix(users, items, offsets, cols, vals, newest);
    }

    private static void Reweight(WeightingOptions options, int nUsers, int nItems, int[] offsets, int[] cols, float[] vals)
    {
        if (options.Reweighting == Reweighting.None || cols.Length == 0)
        {
            return;
        }

        // implicit weights the item×user matrix: documents are items, terms are users.
        double n = nItems;
        var itemSums = new double[nItems];
        for (int k = 0; k < cols.Length; k++)
        {
            itemSums[cols[k]] += vals[k];
        }

        double average = itemSums.Sum() / nItems;
        for (int r = 0; r < nUsers; r++)
        {
            int degree = offsets[r + 1] - offsets[r];
            double idf = Math.Log(n) - Math.Log(1 + degree);
            for (int k = offsets[r]; k < offsets[r + 1]; k++)
            {
                if (options.Reweighting == Reweighting.TfIdf)
                {
                    vals[k] = (float)(Math.Sqrt(vals[k]) * idf);
                }
                else
                {
                    double lengthNorm = (1.0 - options.Bm25B) + (options.Bm25B * itemSums[cols[k]] / average);
                    vals[k] = (float)(vals[k] * (options.Bm25K1 + 1.0) / ((options.Bm25K1 * lengthNorm) + vals[k]) * idf);
                }
            }
        }
    }
}
