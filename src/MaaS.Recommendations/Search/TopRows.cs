namespace MaaS.Recommendations.Search;

/// <summary>
/// The best <c>capacity</c> (score, row) pairs seen, in a binary heap over caller-owned spans (pooled by the caller),
/// so a query keeps its top k without allocating. Better is the higher score, then the lower row; the heap's root is
/// the worst kept, the one a better candidate replaces.
/// </summary>
internal ref struct TopRows
{
    private readonly Span<float> _scores;
    private readonly Span<int> _rows;

    public TopRows(Span<float> scores, Span<int> rows)
    {
        if (rows.Length != scores.Length)
        {
            throw new ArgumentException("The spans differ in length.", nameof(rows));
        }

        _scores = scores;
        _rows = rows;
    }

    public int Count { get; private set; }

    public readonly int Capacity => _scores.Length;

    /// <summary>Whether a candidate scoring <paramref name="score"/> could be kept: cheaper than <see cref="Offer"/>
    /// when most candidates are not (the row breaks ties only when the scores are equal).</summary>
    public readonly bool Admits(float score) => Count < _scores.Length || score >= _scores[0];

    public void Offer(float score, int row)
    {
        if (Count < _scores.Length)
        {
            int i = Count++;
            // Sift up: the new pair climbs while it is worse than its parent.
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (!Worse(score, row, _scores[parent], _rows[parent]))
                {
                    break;
                }

                Move(parent, i);
                i = parent;
            }

            Put(i, score, row);
        }
        else if (_scores.Length > 0 && Worse(_scores[0], _rows[0], score, row))
        {
            SiftDown(0, score, row, Count);
        }
    }

    /// <summary>Sorts what is kept best first into the spans' first <see cref="Count"/> entries (the heap is spent).</summary>
    public void SortBestFirst()
    {
        // Heap sort: the worst goes to the end each time, so the spans end up best first.
        for (int end = Count - 1; end > 0; end--)
        {
            float score = _scores[end];
            int row = _rows[end];
            Move(0, end);
            SiftDown(0, score, row, end);
        }
    }

    public readonly float ScoreAt(int i) => _scores[i];

    public readonly int RowAt(int i) => _rows[i];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Worse(float score, int row, float otherScore, int otherRow) =>
        score < otherScore || (score == otherScore && row > otherRow);

    private readonly void SiftDown(int i, float score, int row, int count)
    {
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && Worse(_scores[child + 1], _rows[child + 1], _scores[child], _rows[child]))
            {
                child++;
            }

            if (!Worse(_scores[child], _rows[child], score, row))
            {
                break;
            }

            Move(child, i);
            i = child;
        }

        Put(i, score, row);
    }

    // A pair lives at one index of both spans and always moves whole.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Put(int i, float score, int row)
    {
        _scores[i] = score;
        _rows[i] = row;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Move(int from, int to) => Put(to, _scores[from], _rows[from]);
}
