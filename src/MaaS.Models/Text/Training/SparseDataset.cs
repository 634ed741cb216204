namespace MaaS.Models.Text.Training;

/// <summary>
/// Featurized rows in CSR form over a compact column space: the hashed ids that occur in these rows, numbered in
/// order of first occurrence (so the layout depends only on the row order, never on thread scheduling).
/// </summary>
internal sealed class SparseDataset
{
    private SparseDataset(int[] rowStart, int[] columns, float[] values, int[] columnIds)
    {
        RowStart = rowStart;
        Columns = columns;
        Values = values;
        ColumnIds = columnIds;
    }

    public int RowCount => RowStart.Length - 1;

    public int ColumnCount => ColumnIds.Length;

    public int[] RowStart { get; }

    public int[] Columns { get; }

    public float[] Values { get; }

    /// <summary>Hashed feature id of each compact column.</summary>
    public int[] ColumnIds { get; }

    /// <summary>Featurizes texts in parallel (on the caller's scheduler); the result is in input order.</summary>
    public static TextFeatures[] Featurize(TextFeaturizer featurizer, IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var features = new TextFeatures[texts.Count];
        Parallel.For(0, texts.Count, TrainingLoops.On(cancellationToken), i => features[i] = featurizer.Featurize(texts[i]));
        return features;
    }

    /// <summary>Builds the dataset over <paramref name="rows"/> of <paramref name="features"/>, in that order.</summary>
    public static SparseDataset Build(IReadOnlyList<TextFeatures> features, IReadOnlyList<int> rows, FeatureView view = FeatureView.All)
    {
        var compact = new Dictionary<int, int>();
        var columnIds = new List<int>();
        var rowStart = new int[rows.Count + 1];
        var columns = new List<int>();
        var values = new List<float>();
        for (int r = 0; r < rows.Count; r++)
        {
            var f = features[rows[r]];
            int from = view == FeatureView.Characters ? f.WordFeatureCount : 0;
            int to = view == FeatureView.Words ? f.WordFeatureCount : f.Count;
            for (int i = from; i < to; i++)
            {
                if (!compact.TryGetValue(f.Ids[i], out int column))
                {
                    column = columnIds.Count;
                    compact.Add(f.Ids[i], column);
                    columnIds.Add(f.Ids[i]);
                }

                columns.Add(column);
                values.Add(f.Weights[i]);
            }

            rowStart[r + 1] = columns.Count;
        }

        return new SparseDataset(rowStart, [.. columns], [.. values], [.. columnIds]);
    }
}

/// <summary>Which features of a text a model member sees.</summary>
public enum FeatureView
{
    /// <summary>Word and character n-grams.</summary>
    All = 0,

    /// <summary>Word n-grams only.</summary>
    Words = 1,

    /// <summary>Character n-grams only.</summary>
    Characters = 2,
}
