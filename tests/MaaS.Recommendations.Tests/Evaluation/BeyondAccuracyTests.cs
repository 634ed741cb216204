namespace MaaS.Recommendations.Tests.Evaluation;

public sealed class BeyondAccuracyTests
{
    // Training: u1 {a, b}, u2 {a, c}, u3 {a} (a repeated: still one user). Popularity a 3, b 1, c 1, d 0; 3 users.
    private static readonly InteractionEvent[] Train =
    [
        new("u1", "a", 1, 1), new("u1", "b", 1, 2), new("u2", "a", 1, 3), new("u2", "c", 1, 4), new("u3", "a", 1, 5), new("u3", "a", 1, 6),
    ];

    private static readonly Dictionary<string, IReadOnlyList<string>> Groups = new()
    {
        ["a"] = ["X"], ["b"] = ["Y"], ["c"] = ["X", "Y"], ["d"] = [],
    };

    [Fact]
    public void Evaluate_TwoListsOverFourItems_MatchesHandComputedValues()
    {
        var lists = new Dictionary<string, IReadOnlyList<string>> { ["u1"] = ["a", "b", "c"], ["u2"] = ["a", "d"] };
        var profiles = new Dictionary<string, IReadOnlyCollection<string>> { ["u1"] = ["a", "b"], ["u2"] = ["a", "c"] };

        var m = BeyondAccuracy.Evaluate(lists, profiles, ItemPopularity.Of(Train), ["a", "b", "c", "d"], k: 2, id => Groups[id]);

        Assert.Equal(2, m.Users);
        // Slots (k = 2): a twice, b and d once, c never (cut off): 3 of 4 items; exposures 0, 1, 1, 2.
        Assert.Equal(0.75, m.Coverage, 12);
        Assert.Equal((((-3 * 0) + (-1 * 1) + (1 * 1) + (3 * 2)) / (4.0 * 4)), m.Gini, 12);
        // −log2 p: a 0 bits (all 3 users), b log2 3, d never consumed counts as one user: log2 3.
        Assert.Equal(2 * Math.Log2(3) / 4, m.Novelty, 12);
        // u1 (3 + 1) / 2 = 2, u2 (3 + 0) / 2 = 1.5; profiles u1 (3 + 1) / 2, u2 (3 + 1) / 2.
        Assert.Equal(1.75, m.Arp, 12);
        Assert.Equal(2, m.ProfileArp, 12);
        Assert.Equal(0.875, m.PopularityLift, 12);
        // Slots: X from a twice, Y from b, d has none; profiles: X a, a, half of c; Y b, half of c.
        Assert.Equal(
            [new GroupExposure("X", 2 / 3.0, 2.5 / 4), new GroupExposure("Y", 1 / 3.0, 1.5 / 4)],
            m.Groups.Select(g => g with { RecommendedShare = Math.Round(g.RecommendedShare, 12), ProfileShare = Math.Round(g.ProfileShare, 12) }),
            (e, a) => e.Group == a.Group && Math.Abs(e.RecommendedShare - a.RecommendedShare) < 1e-9 && Math.Abs(e.ProfileShare - a.ProfileShare) < 1e-9);
    }

    [Fact]
    public void Evaluate_NoGroupsGivenOrNoLists_EmptyGroupsZeroUsers()
    {
        var profiles = new Dictionary<string, IReadOnlyCollection<string>>();

        var none = BeyondAccuracy.Evaluate(new Dictionary<string, IReadOnlyList<string>> { ["u"] = [] }, profiles, ItemPopularity.Of(Train), ["a"], k: 5);
        var ungrouped = BeyondAccuracy.Evaluate(new Dictionary<string, IReadOnlyList<string>> { ["u"] = ["a"] }, profiles, ItemPopularity.Of(Train), ["a"], k: 5);

        Assert.Equal(0, none.Users);
        Assert.Empty(ungrouped.Groups);
        Assert.Equal(1, ungrouped.Coverage);
        Assert.True(double.IsNaN(ungrouped.PopularityLift), "no profile: no lift");
    }

    [Theory]
    [InlineData(new int[0], 0.0)]
    [InlineData(new[] { 5, 5, 5 }, 0.0)]
    [InlineData(new[] { 0, 0, 0, 4 }, 0.75)]
    [InlineData(new[] { 2, 0, 1, 1 }, 0.375)]
    [InlineData(new[] { 0, 0 }, 0.0)]
    public void Gini_HandComputedCases_MatchDefinition(int[] exposure, double expected) =>
        Assert.Equal(expected, BeyondAccuracy.Gini(exposure), 12);

    [Fact]
    public void ItemPopularity_RepeatedEventsOfOneUser_CountOnce()
    {
        var popularity = ItemPopularity.Of(Train);

        Assert.Equal(3, popularity.Users);
        Assert.Equal(3, popularity.Of("a"));
        Assert.Equal(1, popularity.Of("b"));
        Assert.Equal(0, popularity.Of("d"));
    }
}
