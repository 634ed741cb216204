namespace MaaS.Recommendations.Interactions;

/// <summary>
/// A user×item matrix in CSR form (rows = users, column indices ascending within a row) plus its transpose, with the
/// id maps that name rows and columns. Immutable once built; safe to read from any thread.
/// </summary>
public sealed class InteractionMatrix
{
    internal InteractionMatrix(IdMap users, IdMap items, int[] rowOffsets, int[] columns, float[] values, long newestTimestamp)
    {
        Users = users;
        Items = items;
        RowOffsets = rowOffsets;
        Columns = columns;
        Values = values;
        NewestTimestamp = newestTimestamp;
        (ItemOffsets, ItemUsers, ItemValues) = Transpose(items.Count, rowOffsets, columns, values);
    }

    /// <summary>User ids (rows).</summary>
    public IdMap Users { get; }

    /// <summary>Item ids (columns).</summary>
    public IdMap Items { get; }

    /// <summary>Number of stored (user, item) entries.</summary>
    public int NonZeroCount => Columns.Length;

    /// <summary>Newest event time seen (Unix seconds); the reference point of time decay.</summary>
    public long NewestTimestamp { get; }

    internal int[] RowOffsets { get; }

    internal int[] Columns { get; }

    internal float[] Values { get; set; }

    internal int[] ItemOffsets { get; }

    internal int[] ItemUsers { get; }

    internal float[] ItemValues { get; set; }

    internal ReadOnlySpan<int> UserItems(int user) => Columns.AsSpan(RowOffsets[user], RowOffsets[user + 1] - RowOffsets[user]);

    internal ReadOnlySpan<float> UserValues(int user) => Values.AsSpan(RowOffsets[user], RowOffsets[user + 1] - RowOffsets[user]);

    internal int ItemDegree(int item) => ItemOffsets[item + 1] - ItemOffsets[item];

    internal static (int[] Offsets, int[] Rows, float[] Values) Transpose(int columnCount, int[] rowOffsets, int[] columns, float[] values)
    {
        var offsets = new int[columnCount + 1];
        foreach (int c in columns)
        {
            offsets[c + 1]++;
        }

        for (int c = 0; c < columnCount; c++)
        {
            offsets[c + 1] += offsets[c];
        }

        var cursor = offsets.AsSpan(0, columnCount).ToArray();
        var rows = new int[columns.Length];
        var vals = new float[columns.Length];
        for (int r = 0; r < rowOffsets.Length - 1; r++)
        {
            for (int k = rowOffsets[r]; k < rowOffsets[r + 1]; k++)
            {
                int dst = cursor[columns[k]]++;
                rows[dst] = r;
                vals[dst] = values[k];
            }
        }

        return (offsets, rows, vals);
    }
}
