namespace MaaS.Models.Text.Training;

/// <summary>Seeded random fold assignment: a shuffled 0..n-1, position modulo k.</summary>
public static class Folds
{
    /// <summary>Fold index of each of <paramref name="count"/> rows (sizes differ by at most one).</summary>
    public static int[] Assign(int count, int folds, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        var fold = new int[count];
        for (int position = 0; position < count; position++)
        {
            fold[order[position]] = position % folds;
        }

        return fold;
    }
}
