namespace MaaS.Recommendations.Tests.Ranking;

public sealed class CalibratedRerankTests
{
    private static readonly Dictionary<string, double> Even = new() { ["A"] = 0.5, ["B"] = 0.5 };

    [Fact]
    public void Order_HistoryHalfAHalfB_SecondSlotGoesToTheBItem()
    {
        // Step 1: every candidate alone has KL = 0.5·ln(0.5/0.995) + 0.5·ln(0.5/0.005) ≈ 1.958, so relevance picks 0.
        // Step 2: candidate 1 keeps KL 1.958 (0.5·1.9 − 0.5·1.958 ≈ −0.03); candidate 2 makes q = p, KL 0 (0.5·1.8 = 0.9).
        IReadOnlyList<string>?[] genres = [["A"], ["A"], ["B"]];

        Assert.Equal([0, 2], CalibratedRerank.Order([1.0f, 0.9f, 0.8f], genres, Even, 0.5f, 2));
        Assert.Equal([0, 1], CalibratedRerank.Order([1.0f, 0.9f, 0.8f], genres, Even, 0f, 2));
    }

    [Fact]
    public void Order_NoTargetGenres_PoolOrder()
    {
        Assert.Equal([0, 1, 2], CalibratedRerank.Order([0.1f, 0.9f, 0.8f], [["A"], null, []], new Dictionary<string, double>(), 1f, 5));
    }

    [Fact]
    public void Distribution_WeightsSpreadOverGenres_NonPositiveSkipped()
    {
        var p = CalibratedRerank.Distribution([["A"], ["A", "B"], ["C"], null], [1f, 2f, -1f, 5f]);

        Assert.Equal(2, p.Count);
        Assert.Equal(2 / 3.0, p["A"], 12);
        Assert.Equal(1 / 3.0, p["b"], 12);
    }

    [Theory]
    [InlineData(-0.5f)]
    [InlineData(1.5f)]
    public void Order_StrengthOutsideUnitInterval_Throws(float strength) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibratedRerank.Order([1f], [["A"]], Even, strength, 1));
}
