namespace MaaS.Recommendations.Tests.Interactions;

public sealed class InteractionMatrixBuilderTests
{
    private static readonly InteractionEvent[] s_events =
    [
        new("alice", "b", 4f, 100),
        new("alice", "a", 2f, 200),
        new("alice", "b", 1f, 300),
        new("bob", "a", 5f, 300),
    ];

    [Fact]
    public void Build_Binary_MergesRepeatsToOneAndSortsRows()
    {
        var m = InteractionMatrixBuilder.Build(s_events, new WeightingOptions(ValueScheme.Binary));

        Assert.Equal(3, m.NonZeroCount);
        int alice = Index(m.Users, "alice");
        Assert.Equal(new[] { Index(m.Items, "a"), Index(m.Items, "b") }.Order(), m.UserItems(alice).ToArray());
        Assert.All(m.Values, v => Assert.Equal(1f, v));
        Assert.Equal(2, m.ItemDegree(Index(m.Items, "a")));
    }

    [Fact]
    public void Build_Rating_SumsRepeats()
    {
        var m = InteractionMatrixBuilder.Build(s_events, new WeightingOptions(ValueScheme.Rating));

        int alice = Index(m.Users, "alice");
        int b = m.UserItems(alice).IndexOf(Index(m.Items, "b"));
        Assert.Equal(5f, m.UserValues(alice)[b]);
    }

    [Fact]
    public void Build_HalfLife_HalvesValuePerHalfLifeOfAge()
    {
        var m = InteractionMatrixBuilder.Build(s_events, new WeightingOptions(ValueScheme.Rating, HalfLifeSeconds: 100));

        int alice = Index(m.Users, "alice");
        var items = m.UserItems(alice);
        var values = m.UserValues(alice);
        // b: 4 at age 200 (→1) plus 1 at age 0 (→1); a: 2 at age 100 (→1).
        Assert.Equal(2f, values[items.IndexOf(Index(m.Items, "b"))], 5);
        Assert.Equal(1f, values[items.IndexOf(Index(m.Items, "a"))], 5);
    }

    [Fact]
    public void Build_Bm25_MatchesImplicitFormula()
    {
        var options = new WeightingOptions(ValueScheme.Binary, Reweighting: Reweighting.Bm25, Bm25K1: 100f, Bm25B: 0.8f);

        var m = InteractionMatrixBuilder.Build(s_events, options);

        // implicit weights item×user: N = 2 items, idf(user) = ln N − ln(1 + user's items), length norm by item sums.
        int alice = Index(m.Users, "alice");
        int a = Index(m.Items, "a");
        double average = 3.0 / 2.0;
        double idfAlice = Math.Log(2) - Math.Log(1 + 2);
        double normA = 0.2 + (0.8 * 2 / average);
        double expected = 1 * 101.0 / ((100 * normA) + 1) * idfAlice;
        Assert.Equal(expected, m.UserValues(alice)[m.UserItems(alice).IndexOf(a)], 5);
    }

    [Fact]
    public void Build_TfIdf_IsSqrtValueTimesIdf()
    {
        var m = InteractionMatrixBuilder.Build(s_events, new WeightingOptions(ValueScheme.Rating, Reweighting: Reweighting.TfIdf));

        int bob = Index(m.Users, "bob");
        Assert.Equal(Math.Sqrt(5) * (Math.Log(2) - Math.Log(2)), m.UserValues(bob)[0], 5);
        int alice = Index(m.Users, "alice");
        Assert.Equal(Math.Sqrt(2) * (Math.Log(2) - Math.Log(3)), m.UserValues(alice)[m.UserItems(alice).IndexOf(Index(m.Items, "a"))], 5);
    }

    private static int Index(IdMap map, string id) => map.TryGetIndex(id, out int i) ? i : throw new KeyNotFoundException(id);
}
