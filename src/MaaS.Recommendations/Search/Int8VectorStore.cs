namespace MaaS.Recommendations.Search;

/// <summary>A semantic hit: the row's ordinal and its approximate cosine to the query.</summary>
public readonly record struct VectorHit(int Row, float Similarity);

/// <summary>
/// Exact top-k inner-product search over int8 rows: each row is quantised symmetrically with its own scale
/// (max |x| / 127), so a row costs <c>dimensions + 4</c> bytes (388 for 384 dimensions) against 4 × dimensions in
/// fp32. Scoring dequantises blocks of rows with the <see cref="DequantizeInt8"/> kernel and takes
/// <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> with the fp32 query, so the only
/// error is the rows' rounding (the recall test measures it against exact fp32). Immutable once built; thread-safe.
/// </summary>
public sealed class Int8VectorStore
{
    // Rows dequantised per block: 64 × 384 floats = 96 KB, inside L2, and one scratch rental per query.
    private const int BlockRows = 64;

    private readonly sbyte[] _values;
    private readonly float[] _scales;

    private Int8VectorStore(sbyte[] values, float[] scales, int dimensions)
    {
        _values = values;
        _scales = scales;
        Dimensions = dimensions;
    }

    public int Dimensions { get; }

    public int Count => _scales.Length;

    /// <summary>Bytes held per row: the int8 values and one float scale.</summary>
    public int BytesPerRow => Dimensions + sizeof(float);

    /// <summary>Quantises <paramref name="rows"/> (row-major, <paramref name="dimensions"/> floats each).</summary>
    public static Int8VectorStore Build(ReadOnlySpan<float> rows, int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        if (rows.Length % dimensions != 0)
        {
            throw new ArgumentException($"{rows.Length} floats are not whole rows of {dimensions}", nameof(rows));
        }

        int count = rows.Length / dimensions;
        var values = new sbyte[rows.Length];
        var scales = new float[count];
        for (int r = 0; r < count; r++)
        {
            var row = rows.Slice(r * dimensions, dimensions);
            float max = TensorPrimitives.MaxMagnitude(row);
            float scale = max == 0 || !float.IsFinite(max) ? 0 : MathF.Abs(max) / 127f;
            scales[r] = scale;
            QuantizeInt8.Run(row, scale == 0 ? 0 : 1 / scale, values.AsSpan(r * dimensions, dimensions));
        }

        return new Int8VectorStore(values, scales, dimensions);
    }

    /// <summary>
    /// The <paramref name="count"/> rows with the largest inner product with <paramref name="query"/> among those
    /// <paramref name="accept"/> admits, best first (ties by row).
    /// </summary>
    public List<VectorHit> Search(ReadOnlySpan<float> query, int count, Func<int, bool>? accept = null)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"the query has {query.Length} dimensions, the store {Dimensions}", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var best = new PriorityQueue<int, (float Score, int Row)>(count + 1, WorstFirst.Instance);
        var scratch = new float[BlockRows * Dimensions];
        for (int start = 0; start < Count; start += BlockRows)
        {
            int rows = Math.Min(BlockRows, Count - start);
            DequantizeInt8.Run(_values.AsSpan(start * Dimensions, rows * Dimensions), 1f, scratch.AsSpan(0, rows * Dimensions));
            for (int i = 0; i < rows; i++)
            {
                int row = start + i;
                if (accept is not null && !accept(row))
                {
                    continue;
                }

                float score = _scales[row] * TensorPrimitives.Dot(query, scratch.AsSpan(i * Dimensions, Dimensions));
                if (best.Count < count)
                {
                    best.Enqueue(row, (score, row));
                }
                else if (count > 0 && best.TryPeek(out _, out var worst) && WorstFirst.Instance.Compare((score, row), worst) > 0)
                {
                    best.EnqueueDequeue(row, (score, row));
                }
            }
        }

        var hits = new List<VectorHit>(best.Count);
        while (best.TryDequeue(out int row, out var priority))
        {
            hits.Add(new VectorHit(row, priority.Score));
        }

        hits.Reverse();
        return hits;
    }

    // Lower score first, and among equal scores the higher row first, so the heap's head is the one to drop.
    private sealed class WorstFirst : IComparer<(float Score, int Row)>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare((float Score, int Row) x, (float Score, int Row) y)
        {
            int byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : y.Row.CompareTo(x.Row);
        }
    }
}
