namespace MaaS.Models.Tests.Inference;

public sealed class LengthGroupsTests
{
    [Theory]
    [InlineData(1, 4_096, 0)]
    [InlineData(7, 4_096, 0)]
    [InlineData(64, 4_096, 0)]
    [InlineData(64, 65_536, 1_024)]
    [InlineData(513, 16_384, 96)]
    public void Plan_SeededLengths_EveryRowOnceAndEachGroupWithinItsBounds(int count, int maxCells, int freeCells)
    {
        var random = new Random(count * 31 + maxCells);
        int[] lengths = [.. Enumerable.Range(0, count).Select(_ => random.Next(0, 3) == 0 ? random.Next(1, 2_048) : random.Next(5, 60))];

        var groups = LengthGroups.Plan(lengths, maxCells, LengthGroups.DefaultMaxPaddingRatio, freeCells);

        Assert.Equal(Enumerable.Range(0, count), groups.SelectMany(g => g).Order());
        foreach (int[] group in groups)
        {
            long longest = LengthGroups.Longest(lengths, group);
            long padded = longest * group.Length, real = group.Sum(i => (long)lengths[i]);
            string what = $"group [{string.Join(',', group.Select(i => lengths[i]))}] of count {count}";
            Assert.True(group.Length == 1 || padded <= maxCells, $"{what}: {padded} cells > {maxCells}");
            Assert.True(group.Length == 1 || padded <= 1.25 * real || padded - real <= freeCells, $"{what}: {padded} padded for {real} real");
            Assert.True(group.Select(i => lengths[i]).SequenceEqual(group.Select(i => lengths[i]).Order()), $"{what}: not ascending");
        }
    }

    [Fact]
    public void Plan_OneLongTextAmongShortOnes_PadsOnlyItsOwnGroup()
    {
        // The case that made a batch of 64 MR sentences slower than one at a time: one long row padded every row.
        int[] lengths = [.. Enumerable.Repeat(40, 63), 1_900];

        var groups = LengthGroups.Plan(lengths, 65_536);

        Assert.Equal(2, groups.Count);
        Assert.Equal(63, groups[0].Length);
        Assert.Equal(40, LengthGroups.Longest(lengths, groups[0]));
        Assert.Equal([63], groups[1]);
    }

    [Fact]
    public void Plan_EqualLengths_OneGroupInInputOrder()
    {
        int[] lengths = [.. Enumerable.Repeat(12, 100)];

        var groups = LengthGroups.Plan(lengths, 4_096);

        Assert.Equal(Enumerable.Range(0, 100), Assert.Single(groups));
    }

    [Fact]
    public void Plan_RowsPastTheCellLimit_SplitIntoGroupsThatFit()
    {
        int[] lengths = [.. Enumerable.Repeat(256, 200)];

        var groups = LengthGroups.Plan(lengths, 16_384);

        Assert.All(groups, g => Assert.True(g.Length * 256 <= 16_384, $"{g.Length} rows of 256"));
        Assert.Equal(4, groups.Count);
    }

    [Fact]
    public void Plan_SmallGroups_MergeWithinTheFreeCells()
    {
        int[] lengths = [3, 9];

        Assert.Equal(2, LengthGroups.Plan(lengths, 4_096).Count);
        Assert.Single(LengthGroups.Plan(lengths, 4_096, freeCells: 6));
    }

    [Fact]
    public void Plan_Empty_NoGroups() => Assert.Empty(LengthGroups.Plan([], 16));

    [Theory]
    [InlineData(32, 4)]
    [InlineData(64, 8)]
    [InlineData(3, 8)]
    public void Split_SeededPlan_EveryRowOnceAtLeastThePiecesRowsAllowAndNoMorePadding(int count, int pieces)
    {
        var random = new Random(count * 7 + pieces);
        int[] lengths = [.. Enumerable.Range(0, count).Select(_ => random.Next(5, 80))];
        var plan = LengthGroups.Plan(lengths, 16_384, LengthGroups.DefaultMaxPaddingRatio, 96);

        var split = LengthGroups.Split(plan, lengths, pieces);

        Assert.Equal(Enumerable.Range(0, count), split.SelectMany(g => g).Order());
        Assert.Equal(Math.Max(plan.Count, Math.Min(pieces, count)), split.Count);
        long Padded(IEnumerable<int[]> groups) => groups.Sum(g => (long)g.Length * LengthGroups.Longest(lengths, g));
        Assert.True(Padded(split) <= Padded(plan), $"{Padded(split)} padded cells after the split, {Padded(plan)} before");
        foreach (int[] group in split)
        {
            Assert.NotEmpty(group);
            Assert.True(group.Select(i => lengths[i]).SequenceEqual(group.Select(i => lengths[i]).Order()), "not ascending");
        }
    }

    [Fact]
    public void Split_OneEvenGroup_HalvesTheWidestFirst()
    {
        int[] lengths = [.. Enumerable.Repeat(10, 8), .. Enumerable.Repeat(50, 8)];
        IReadOnlyList<int[]> plan = [[.. Enumerable.Range(0, 8)], [.. Enumerable.Range(8, 8)]];

        var split = LengthGroups.Split(plan, lengths, 3);

        // The 8 × 50 group holds most of the cells, so it is the one halved; the plan itself is left as it was.
        Assert.Equal([[0, 1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]], split);
        Assert.Equal(2, plan.Count);
    }

    [Fact]
    public void Split_MinCells_SmallGroupOfShortRowsStaysWhole()
    {
        // Sixteen search queries of 4–12 word pieces: one group of 16 × 12 = 192 padded cells. Halving it to reach 4
        // pieces would make runs of 4 rows; with 128 cells per piece wanted, no half of it (96 cells) is big enough.
        int[] lengths = [4, 5, 5, 6, 6, 6, 7, 7, 8, 8, 9, 9, 10, 11, 12, 12];
        IReadOnlyList<int[]> plan = [[.. Enumerable.Range(0, 16)]];

        Assert.Single(LengthGroups.Split(plan, lengths, 4, minCells: 128));
        Assert.Equal(4, LengthGroups.Split(plan, lengths, 4).Count);
    }

    [Fact]
    public void Split_MinCells_HalvesOnlyWhileEachHalfKeepsThem()
    {
        // 32 rows of 40 word pieces (1,280 cells): halves of 640, then quarters of 320 keep 300 cells each; eighths
        // (160) would not, so 8 pieces asked give 4.
        int[] lengths = [.. Enumerable.Repeat(40, 32)];
        IReadOnlyList<int[]> plan = [[.. Enumerable.Range(0, 32)]];

        var split = LengthGroups.Split(plan, lengths, 8, minCells: 300);

        Assert.Equal(4, split.Count);
        Assert.All(split, g => Assert.Equal(8, g.Length));
        Assert.Equal(Enumerable.Range(0, 32), split.SelectMany(g => g).Order());
    }

    [Fact]
    public void Split_MinCells_CountsTheShorterHalfAtItsOwnLongest()
    {
        // The shorter half [2, 2] pads to 2 (4 cells), the longer [2, 30] to 30 (60 cells): a minimum of 5 keeps the
        // group whole though the group itself holds 4 × 30 = 120 cells.
        int[] lengths = [2, 2, 2, 30];
        IReadOnlyList<int[]> plan = [[0, 1, 2, 3]];

        Assert.Single(LengthGroups.Split(plan, lengths, 2, minCells: 5));
        Assert.Equal(2, LengthGroups.Split(plan, lengths, 2, minCells: 4).Count);
    }

    [Fact]
    public void Split_NegativeMinCells_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LengthGroups.Split([[0, 1]], [1, 1], 2, minCells: -1));
}
