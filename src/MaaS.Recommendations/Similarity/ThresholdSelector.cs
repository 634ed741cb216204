namespace MaaS.Recommendations.Similarity;

/// <summary>
/// Top-k for neighbour lists, where the result is stored in item order, not value order: quickselect finds the k-th
/// largest value on a scratch copy (expected O(n)), then one pass in position order keeps everything above it plus the
/// lowest positions among ties. Output positions come out ascending, so no sort follows.
/// </summary>
internal static class ThresholdSelector
{
    /// <summary>Writes the positions (ascending) and values of the k largest values &gt; floor; returns the count.
    /// <paramref name="positions"/>, <paramref name="kept"/> and <paramref name="scratch"/> must be at least as long as
    /// <paramref name="values"/> (ties at the threshold are emitted before the surplus is dropped).</summary>
    public static int Select(ReadOnlySpan<float> values, int k, float floor, Span<int> positions, Span<float> kept, Span<float> scratch)
    {
        if (k <= 0)
        {
            return 0;
        }

        int m = CountGreater.Count(values, floor);
        if (m <= k)
        {
            return CompactAtLeast.Run(values, MathF.BitIncrement(floor), positions, kept);
        }

        if (m == values.Length)
        {
            values.CopyTo(scratch);
        }
        else
        {
            int w = 0;
            foreach (float v in values)
            {
                if (v > floor)
                {
                    scratch[w++] = v;
                }
            }
        }

        float threshold = KthLargest(scratch[..m], k - 1);
        int count = CompactAtLeast.Run(values, threshold, positions, kept);
        if (count > k)
        {
            // More than k at or above the threshold means ties at it: keep the lowest positions among them.
            int greater = 0;
            for (int r = 0; r < count; r++)
            {
                if (kept[r] > threshold)
                {
                    greater++;
                }
            }

            int ties = k - greater;
            int write = 0;
            for (int r = 0; r < count; r++)
            {
                if (kept[r] > threshold || ties-- > 0)
                {
                    positions[write] = positions[r];
                    kept[write++] = kept[r];
                }
            }

            count = write;
        }

        return count;
    }

    /// <summary>The value that would sit at <paramref name="n"/> (0-based) if <paramref name="data"/> were sorted
    /// descending; reorders <paramref name="data"/>.</summary>
    internal static float KthLargest(Span<float> data, int n)
    {
        int lo = 0;
        int hi = data.Length - 1;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            // Median of three as pivot guards against sorted input.
            float a = data[lo], b = data[mid], c = data[hi];
            float pivot = a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b));
            int i = lo;
            int j = hi;
            while (i <= j)
            {
                while (data[i] > pivot)
                {
                    i++;
                }

                while (data[j] < pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (data[i], data[j]) = (data[j], data[i]);
                    i++;
                    j--;
                }
            }

            if (n <= j)
            {
                hi = j;
            }
            else if (n >= i)
            {
                lo = i;
            }
            else
            {
                return data[n];
            }
        }

        return data[n];
    }
}
