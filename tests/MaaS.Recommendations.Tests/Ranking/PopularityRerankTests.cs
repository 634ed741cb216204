namespace MaaS.Recommendations.Tests.Ranking;

public sealed class PopularityRerankTests
{
    [Fact]
    public void Order_HandComputedPool_PenaltyByPopularityQuantile()
    {
        // Quantiles 1, 0.5, 0; at λ = 0.5: 1 − 0.5 = 0.5, 0.9 − 0.25 = 0.65, 0.5 − 0 = 0.5 (tie: pool order).
        float[] scores = [1.0f, 0.9f, 0.5f];
        int[] popularity = [100, 10, 1];

        Assert.Equal([1, 0, 2], PopularityRerank.Order(scores, popularity, 0.5f, 3));
        Assert.Equal([1, 0], PopularityRerank.Order(scores, popularity, 0.5f, 2));
        // λ = 1: 0, 0.4, 0.5.
        Assert.Equal([2, 1, 0], PopularityRerank.Order(scores, popularity, 1f, 3));
    }

    [Fact]
    public void Order_StrengthZero_PoolOrderEvenWhenScoresAreNotSorted()
    {
        // MMR or reserved slots can leave a pool out of score order: strength 0 must not re-sort it.
        float[] scores = [0.2f, 0.9f, 0.5f, -1f];

        Assert.Equal([0, 1, 2, 3], PopularityRerank.Order(scores, [9, 1, 5, 0], 0f, 10));
    }

    [Fact]
    public void Order_EqualPopularity_EqualPenaltyRelevanceDecides()
    {
        // The two at 50 share the quantile of the candidates strictly below them (2 of 3), so relevance orders them. At λ = 0.5,
        // relevance over the best 0.9: 5/9 − 1/3 = 0.22, 1 − 1/3 = 0.67, 4/9 − 1/6 = 0.28, 1/9 − 0 = 0.11.
        Assert.Equal([1, 2, 0, 3], PopularityRerank.Order([0.5f, 0.9f, 0.4f, 0.1f], [50, 50, 3, 2], 0.5f, 4));
    }

    [Theory]
    [InlineData(-0.01f)]
    [InlineData(1.01f)]
    [InlineData(float.NaN)]
    public void Order_StrengthOutsideUnitInterval_Throws(float strength) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PopularityRerank.Order([1f], [1], strength, 1));

    [Fact]
    public void Order_OnePopularityMissing_Throws() =>
        Assert.Throws<ArgumentException>(() => PopularityRerank.Order([1f, 0.5f], [1], 0.5f, 2));
}
