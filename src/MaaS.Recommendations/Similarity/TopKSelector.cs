namespace MaaS.Recommendations.Similarity;

/// <summary>Accepts or rejects a candidate position during top-k selection.</summary>
internal interface ICandidateFilter
{
    bool Accept(int position);
}

/// <summary>The filter that accepts everything.</summary>
internal readonly struct AcceptAll : ICandidateFilter
{
    public bool Accept(int position) => true;
}

/// <summary>
/// Partial selection of the k largest values with a min-heap; the SIMD scan skips every vector that cannot beat the
/// heap's minimum, so the cost is near one compare per element once the heap is warm. Ties go to the lower position.
/// </summary>
internal static class TopKSelector
{
    /// <summary>Writes up to k positions (and values) with value &gt; <paramref name="floor"/>, best first; returns the count.</summary>
    public static int Select<TFilter>(ReadOnlySpan<float> values, int k, float floor, TFilter filter, Span<int> positions, Span<float> best)
        where TFilter : ICandidateFilter
    {
        if (k <= 0)
        {
            return 0;
        }

        int count = 0;
        float threshold = floor;
        int start = 0;
        while (start < values.Length)
        {
            int found = IndexOfFirstGreater.Find(values[start..], threshold);
            if (found < 0)
            {
                break;
            }

            int p = start + found;
            start = p + 1;
            if (!filter.Accept(p))
            {
                continue;
            }

            float v = values[p];
            if (count < k)
            {
                positions[count] = p;
                best[count] = v;
                SiftUp(positions, best, count);
                count++;
                if (count == k)
                {
                    threshold = best[0];
                }
            }
            else
            {
                positions[0] = p;
                best[0] = v;
                SiftDown(positions, best, count);
                threshold = best[0];
            }
        }

        // Heap-sort in place: repeatedly move the minimum to the end gives descending order.
        for (int end = count - 1; end > 0; end--)
        {
            (positions[0], positions[end]) = (positions[end], positions[0]);
            (best[0], best[end]) = (best[end], best[0]);
            SiftDown(positions, best, end);
        }

        return count;
    }

    // Min-heap on (value asc, position desc): the root is the weakest, and between equal values the later position.
    private static bool Weaker(Span<int> p, Span<float> v, int a, int b) => v[a] < v[b] || (v[a] == v[b] && p[a] > p[b]);

    private static void SiftUp(Span<int> p, Span<float> v, int child)
    {
        while (child > 0)
        {
            int parent = (child - 1) >> 1;
            if (!Weaker(p, v, child, parent))
            {
                break;
            }

            (p[child], p[parent]) = (p[parent], p[child]);
            (v[child], v[parent]) = (v[parent], v[child]);
            child = parent;
        }
    }

    private static void SiftDown(Span<int> p, Span<float> v, int size)
    {
        int parent = 0;
        while (true)
        {
            int left = (2 * parent) + 1;
            if (left >= size)
            {
                return;
            }

            int weakest = left + 1 < size && Weaker(p, v, left + 1, left) ? left + 1 : left;
            if (!Weaker(p, v, weakest, parent))
            {
                return;
            }

            (p[weakest], p[parent]) = (p[parent], p[weakest]);
            (v[weakest], v[parent]) = (v[parent], v[weakest]);
            parent = weakest;
        }
    }
}
