namespace MaaS.Models.Inference;

/// <summary>
/// Batching for rows of different lengths (texts as feature lists or word pieces): rows are sorted by length and cut
/// into groups, each padded only to its own longest row, never to a fixed bucket. A group grows while padding costs
/// little, so one run still carries many rows: adding a row is allowed while the group's padded cells stay within
/// <c>maxPaddingRatio</c> of its real cells, or add at most <c>freeCells</c> of padding (a run's fixed cost is worth
/// about that many cells), and while the group stays within <c>maxCells</c>. Pure; thread-safe.
/// </summary>
public static class LengthGroups
{
    /// <summary>Padded cells allowed per real cell before a group is cut.</summary>
    public const double DefaultMaxPaddingRatio = 1.25;

    /// <summary>
    /// Splits row indices into groups. Every index appears in exactly one group; within a group, indices are in
    /// ascending length order; a row longer than <paramref name="maxCells"/> is a group of its own.
    /// </summary>
    /// <param name="lengths">Length of each row (zero or more).</param>
    /// <param name="maxCells">Most padded cells (rows × longest) per group, which bounds a run's memory.</param>
    /// <param name="maxPaddingRatio">Padded cells allowed per real cell (at least 1).</param>
    /// <param name="freeCells">Padding cells a group may always add, however small it is.</param>
    public static IReadOnlyList<int[]> Plan(ReadOnlySpan<int> lengths, int maxCells, double maxPaddingRatio = DefaultMaxPaddingRatio, int freeCells = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCells, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPaddingRatio, 1.0);
        ArgumentOutOfRangeException.ThrowIfNegative(freeCells);
        int[] order = new int[lengths.Length];
        int[] keys = new int[lengths.Length];
        for (int i = 0; i < order.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(lengths[i]);
            order[i] = i;
            keys[i] = lengths[i];
        }

        // Stable: equal lengths keep their input order, so a plan is deterministic.
        Array.Sort(keys, order);
        MergeStableRuns(keys, order);
        var groups = new List<int[]>();
        int start = 0;
        long real = 0;
        for (int i = 0; i < order.Length; i++)
        {
            long longest = Math.Max(1, keys[i]);
            long rows = i - start + 1;
            long padded = rows * longest;
            bool fits = rows == 1 || (padded <= maxCells && (padded <= maxPaddingRatio * (real + keys[i]) || padded - (real + keys[i]) <= freeCells));
            if (!fits)
            {
                groups.Add(order[start..i]);
                start = i;
                real = 0;
            }

            real += keys[i];
        }

        if (start < order.Length)
        {
            groups.Add(order[start..]);
        }

        return groups;
    }

    /// <summary>The longest of <paramref name="lengths"/> at <paramref name="group"/>'s indices (at least 1: a run needs a non-empty axis).</summary>
    public static int Longest(ReadOnlySpan<int> lengths, ReadOnlySpan<int> group)
    {
        int longest = 1;
        foreach (int index in group)
        {
            longest = Math.Max(longest, lengths[index]);
        }

        return longest;
    }

    /// <summary>
    /// Cuts <paramref name="groups"/> into at least <paramref name="pieces"/> where rows allow, for runs spread over
    /// cores: the group with the most padded cells is halved, shorter rows first, until there are enough. A half pads
    /// no more than its group did, so the work only moves; what it costs is one more run's fixed overhead, which is why
    /// a group is halved only while both halves keep <paramref name="minCells"/> padded cells: a run of a few short rows
    /// (search queries of 6–20 word pieces) costs nearly what a run of several times as many does.
    /// </summary>
    /// <param name="groups">Groups of <see cref="Plan"/> (indices in ascending length order); not changed.</param>
    /// <param name="lengths">Length of each row.</param>
    /// <param name="pieces">Groups wanted at least.</param>
    /// <param name="minCells">Padded cells each half of a halved group keeps at least (0: any group of two rows or more may be halved).</param>
    public static IReadOnlyList<int[]> Split(IReadOnlyList<int[]> groups, ReadOnlySpan<int> lengths, int pieces, int minCells = 0)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentOutOfRangeException.ThrowIfNegative(minCells);
        var result = new List<int[]>(groups);
        while (result.Count < pieces)
        {
            int widest = -1;
            long cells = 0;
            for (int i = 0; i < result.Count; i++)
            {
                long padded = (long)result[i].Length * Longest(lengths, result[i]);
                if (result[i].Length > 1 && padded > cells && HalvesKeep(result[i], lengths, minCells))
                {
                    (widest, cells) = (i, padded);
                }
            }

            if (widest < 0)
            {
                break;
            }

            int[] group = result[widest];
            int half = group.Length / 2;
            result[widest] = group[..half];
            result.Add(group[half..]);
        }

        return result;
    }

    // The shorter half pads to its own longest row, the longer half to the group's.
    private static bool HalvesKeep(int[] group, ReadOnlySpan<int> lengths, int minCells)
    {
        int half = group.Length / 2;
        return minCells == 0
            || ((long)half * Longest(lengths, group.AsSpan(0, half)) >= minCells
                && (long)(group.Length - half) * Longest(lengths, group.AsSpan(half)) >= minCells);
    }

    // Array.Sort is unstable: within each run of equal keys, restore ascending index order.
    private static void MergeStableRuns(int[] keys, int[] order)
    {
        int start = 0;
        for (int i = 1; i <= keys.Length; i++)
        {
            if (i == keys.Length || keys[i] != keys[start])
            {
                Array.Sort(order, start, i - start);
                start = i;
            }
        }
    }
}
