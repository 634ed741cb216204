namespace MaaS.Recommendations.Search;

/// <summary>A semantic hit: the row's ordinal and its cosine to the query (from the row's fp16 copy).</summary>
public readonly record struct VectorHit(int Row, float Similarity);

/// <summary>
/// Top-k inner-product search over int8 rows, re-ranked with fp16. Each row is quantised symmetrically with its own
/// scale (max |x| / 127) and kept in fp16 besides. A query is quantised the same way, candidates are scored int8 × int8
/// (<see cref="DotInt8"/>, exact in int) and the best <see cref="CandidatesFor"/> of them re-scored with their fp16
/// rows against the fp32 query: int8 rounding reorders near-ties, which the re-ranking puts back (recall@10 against
/// exact fp32 is measured by the search-scale benchmark and the tests). From <see cref="ExactUpTo"/> rows on the store
/// also partitions the rows into <see cref="IvfLists"/> (about √n lists) and a query scans only the nearest
/// <see cref="Probes"/> of them; smaller stores, or a probe count covering every list, scan every row. Immutable once
/// built; thread-safe.
/// </summary>
public sealed class Int8VectorStore
{
    /// <summary>Stores of at most this many rows scan them all: ~8 MB of int8 at 384 dimensions, about a millisecond.</summary>
    public const int ExactUpTo = 20_000;

    /// <summary>Candidates re-ranked per result wanted, and at least <see cref="MinCandidates"/>.</summary>
    public const int CandidatesPerResult = 4;

    public const int MinCandidates = 64;

    private readonly sbyte[] _values;
    private readonly float[] _scales;
    private readonly Half[] _halves;
    private readonly IvfLists? _lists;

    private Int8VectorStore(sbyte[] values, float[] scales, Half[] halves, IvfLists? lists, int dimensions)
    {
        _values = values;
        _scales = scales;
        _halves = halves;
        _lists = lists;
        Dimensions = dimensions;
        Probes = lists is null ? 0 : DefaultProbes(lists.Count);
    }

    public int Dimensions { get; }

    public int Count => _scales.Length;

    /// <summary>IVF lists (0: every search is exact).</summary>
    public int Lists => _lists?.Count ?? 0;

    /// <summary>Lists a search scans by default (0 without lists).</summary>
    public int Probes { get; }

    /// <summary>Bytes held per row: the int8 values and their float scale, the fp16 copy, and with lists the row's
    /// position (the centroids, <c>Lists × Dimensions × 4</c> bytes in all, are not counted here).</summary>
    public int BytesPerRow => Dimensions + sizeof(float) + (Dimensions * 2) + (_lists is null ? 0 : sizeof(int));

    /// <summary>Lists for a store of <paramref name="count"/> rows: none up to <see cref="ExactUpTo"/>, then √n.</summary>
    public static int ListsFor(int count) => count <= ExactUpTo ? 0 : (int)Math.Round(Math.Sqrt(count));

    /// <summary>Lists scanned by default: 1/16 of them, at least 8 (at 100,000 rows, 20 of 316 lists, ~6 % of the rows).</summary>
    public static int DefaultProbes(int lists) => Math.Min(lists, Math.Max(8, (lists + 15) / 16));

    /// <summary>Candidates re-ranked with fp16 for <paramref name="count"/> results.</summary>
    public static int CandidatesFor(int count) => Math.Max(MinCandidates, count * CandidatesPerResult);

    /// <summary>Quantises <paramref name="rows"/> (row-major, <paramref name="dimensions"/> floats each), with
    /// <see cref="ListsFor"/> lists.</summary>
    public static Int8VectorStore Build(ReadOnlySpan<float> rows, int dimensions) =>
        Build(rows, dimensions, ListsFor(rows.Length / Math.Max(1, dimensions)));

    /// <summary>Quantises <paramref name="rows"/> with <paramref name="lists"/> IVF lists (0: exact only).</summary>
    public static Int8VectorStore Build(ReadOnlySpan<float> rows, int dimensions, int lists)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        ArgumentOutOfRangeException.ThrowIfNegative(lists);
        if (rows.Length % dimensions != 0)
        {
            throw new ArgumentException($"{rows.Length} floats are not whole rows of {dimensions}", nameof(rows));
        }

        int count = rows.Length / dimensions;
        var ivf = lists > 0 && count > 0 ? IvfLists.Build(rows, dimensions, Math.Min(lists, count)) : null;
        var values = new sbyte[rows.Length];
        var scales = new float[count];
        var halves = new Half[rows.Length];
        for (int position = 0; position < count; position++)
        {
            int r = ivf is null ? position : ivf.Order[position];
            var row = rows.Slice(r * dimensions, dimensions);
            scales[position] = ScaleOf(row);
            QuantizeInt8.Run(row, InverseOf(scales[position]), values.AsSpan(position * dimensions, dimensions));
            TensorPrimitives.ConvertToHalf(row, halves.AsSpan(position * dimensions, dimensions));
        }

        return new Int8VectorStore(values, scales, halves, ivf, dimensions);
    }

    /// <summary>
    /// The <paramref name="count"/> rows with the largest inner product with <paramref name="query"/> among those
    /// <paramref name="accept"/> admits, best first (ties by row), scanning <see cref="Probes"/> lists.
    /// </summary>
    public List<VectorHit> Search(ReadOnlySpan<float> query, int count, Func<int, bool>? accept = null) =>
        Search(query, count, accept, Probes);

    /// <summary>
    /// As <see cref="Search(ReadOnlySpan{float}, int, Func{int, bool}?)"/>, scanning the <paramref name="probes"/>
    /// lists nearest the query; 0, or as many as there are lists, scans every row. If the lists scanned hold fewer than
    /// <paramref name="count"/> rows that <paramref name="accept"/> admits (a narrow filter), every row is scanned.
    /// </summary>
    public List<VectorHit> Search(ReadOnlySpan<float> query, int count, Func<int, bool>? accept, int probes) =>
        Search(query, count, accept, probes, count);

    /// <summary>
    /// As <see cref="Search(ReadOnlySpan{float}, int, Func{int, bool}?, int)"/>, for a list deeper than its head needs
    /// to be exact (hybrid search fuses 200 ranks to answer a page of 10): only the best
    /// <c>CandidatesFor(<paramref name="reranked"/>)</c> rows by int8 are re-scored with fp16 and lead the list, as in a
    /// search for <paramref name="reranked"/> rows; the rest of the <paramref name="count"/> follow in int8 order, with
    /// their int8 similarity. Re-scoring <c>CandidatesFor(count)</c> rows instead would cost most of a 200-deep search.
    /// </summary>
    public List<VectorHit> Search(ReadOnlySpan<float> query, int count, Func<int, bool>? accept, int probes, int reranked)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"the query has {query.Length} dimensions, the store {Dimensions}", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(probes);
        ArgumentOutOfRangeException.ThrowIfNegative(reranked);
        count = Math.Min(count, Count);
        if (count == 0)
        {
            return [];
        }

        int head = Math.Min(Count, CandidatesFor(Math.Min(reranked, count)));
        int candidates = Math.Max(head, count);
        var quantised = ArrayPool<sbyte>.Shared.Rent(Dimensions);
        var scores = ArrayPool<float>.Shared.Rent(candidates);
        var positions = ArrayPool<int>.Shared.Rent(candidates);
        try
        {
            var q = quantised.AsSpan(0, Dimensions);
            QuantizeInt8.Run(query, InverseOf(ScaleOf(query)), q);
            var top = new TopRows(scores.AsSpan(0, candidates), positions.AsSpan(0, candidates));
            if (_lists is null || probes == 0 || probes >= _lists.Count || !ScanLists(query, q, probes, accept, count, ref top))
            {
                top = new TopRows(scores.AsSpan(0, candidates), positions.AsSpan(0, candidates));
                Scan(q, 0, Count, accept, ref top);
            }

            return Rerank(query, ref top, head, count);
        }
        finally
        {
            ArrayPool<sbyte>.Shared.Return(quantised);
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<int>.Shared.Return(positions);
        }
    }

    private static float ScaleOf(ReadOnlySpan<float> row)
    {
        float max = TensorPrimitives.MaxMagnitude(row);
        return max == 0 || !float.IsFinite(max) ? 0 : MathF.Abs(max) / 127f;
    }

    private static float InverseOf(float scale) => scale == 0 ? 0 : 1 / scale;

    private int RowAt(int position) => _lists is null ? position : _lists.Order[position];

    /// <summary>Scans the nearest lists; false when they held fewer than <paramref name="count"/> admitted rows.</summary>
    private bool ScanLists(ReadOnlySpan<float> query, ReadOnlySpan<sbyte> q, int probes, Func<int, bool>? accept, int count, ref TopRows top)
    {
        var lists = _lists!;
        var nearest = ArrayPool<int>.Shared.Rent(probes);
        try
        {
            int scanned = lists.Nearest(query, nearest.AsSpan(0, probes));
            for (int i = 0; i < scanned; i++)
            {
                int list = nearest[i];
                Scan(q, lists.Offsets[list], lists.Offsets[list + 1], accept, ref top);
            }

            return top.Count >= count;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(nearest);
        }
    }

    // The query's own scale multiplies every score alike, so it is left out of the ranking.
    private void Scan(ReadOnlySpan<sbyte> q, int from, int to, Func<int, bool>? accept, ref TopRows top)
    {
        int dimensions = Dimensions;
        var values = _values.AsSpan();
        for (int position = from; position < to; position++)
        {
            if (accept is not null && !accept(RowAt(position)))
            {
                continue;
            }

            float score = _scales[position] * DotInt8.Run(q, values.Slice(position * dimensions, dimensions));
            if (top.Admits(score))
            {
                top.Offer(score, position);
            }
        }
    }

    /// <summary>
    /// Re-scores the best <paramref name="head"/> candidates by int8 with their fp16 rows (all of them when there are
    /// no more) and keeps the best <paramref name="count"/>, ties by row; when more than <paramref name="head"/> are
    /// wanted, the other candidates follow in int8 order.
    /// </summary>
    private List<VectorHit> Rerank(ReadOnlySpan<float> query, ref TopRows candidates, int head, int count)
    {
        int scored = Math.Min(head, candidates.Count);
        if (scored < candidates.Count)
        {
            candidates.SortBestFirst();
        }

        int kept = Math.Min(count, candidates.Count);
        int best = Math.Min(kept, scored);
        var row = ArrayPool<float>.Shared.Rent(Dimensions);
        var scores = ArrayPool<float>.Shared.Rent(best);
        var rows = ArrayPool<int>.Shared.Rent(best);
        try
        {
            var top = new TopRows(scores.AsSpan(0, best), rows.AsSpan(0, best));
            var exact = row.AsSpan(0, Dimensions);
            for (int i = 0; i < scored; i++)
            {
                int position = candidates.RowAt(i);
                TensorPrimitives.ConvertToSingle(_halves.AsSpan(position * Dimensions, Dimensions), exact);
                top.Offer(TensorPrimitives.Dot(query, exact), RowAt(position));
            }

            top.SortBestFirst();
            var hits = new List<VectorHit>(kept);
            for (int i = 0; i < top.Count; i++)
            {
                hits.Add(new VectorHit(top.RowAt(i), top.ScoreAt(i)));
            }

            // The ranking left the query's scale out; the similarity shown puts it back.
            float scale = scored < kept ? ScaleOf(query) : 0;
            for (int i = scored; i < kept; i++)
            {
                hits.Add(new VectorHit(RowAt(candidates.RowAt(i)), candidates.ScoreAt(i) * scale));
            }

            return hits;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(row);
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<int>.Shared.Return(rows);
        }
    }
}
