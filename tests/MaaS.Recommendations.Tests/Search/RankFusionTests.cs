namespace MaaS.Recommendations.Tests.Search;

public sealed class RankFusionTests
{
    [Fact]
    public void Reciprocal_ItemInBothLists_OutranksTheTopOfOne()
    {
        // 7 is 2nd lexically and 2nd semantically: 2/62 beats 1 lexical-only first place (1/61) and 9's 1/61.
        var fused = RankFusion.Reciprocal(lexical: [1, 7, 3], semantic: [9, 7, 4], count: 10);

        Assert.Equal([7, 1, 9, 3, 4], fused.Select(f => f.Key));
        Assert.Equal(2f / 62, fused[0].Score, 6);
        Assert.Equal((2, 2), (fused[0].LexicalRank!.Value, fused[0].SemanticRank!.Value));
        Assert.Null(fused[1].SemanticRank);
        Assert.Null(fused[2].LexicalRank);
    }

    [Fact]
    public void Reciprocal_EqualScores_LexicalRankThenKeyBreakTies()
    {
        var fused = RankFusion.Reciprocal(lexical: [5], semantic: [2], count: 1);

        Assert.Equal(5, Assert.Single(fused).Key);
        Assert.Empty(RankFusion.Reciprocal([], [], 10));
    }
}
