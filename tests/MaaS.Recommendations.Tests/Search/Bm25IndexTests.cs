using MaaS.Recommendations.Search;

namespace MaaS.Recommendations.Tests.Search;

public sealed class Bm25IndexTests
{
    // N = 3, average length 8/3; "space" and "robots" are each in 2 documents: idf = ln(1 + 1.5 / 2.5) = ln 1.6.
    private static readonly string[] Corpus = ["Space robots", "Robots cook dinner", "space, SPACE opera"];

    [Fact]
    public void Search_TinyCorpus_MatchesHandComputedScores()
    {
        var index = Bm25Index.Build(Corpus);

        var hits = index.Search("space robots", 10);

        // Each by hand: idf · tf · (k1 + 1) / (tf + k1 · (1 − b + b · len / avg)), k1 = 1.2, b = 0.75.
        Assert.Equal([0, 2, 1], hits.Select(h => h.Document));
        Assert.Equal(1.0470967f, hits[0].Score, 5);
        Assert.Equal(0.6243067f, hits[1].Score, 5);
        Assert.Equal(0.4471386f, hits[2].Score, 5);
        Assert.Equal(0.4700036f, index.Idf("space"), 5);
        Assert.Equal(["space", "robots"], hits[0].Terms);
        Assert.Equal(["space"], hits[1].Terms);
        Assert.Equal(["robots"], hits[2].Terms);
    }

    [Fact]
    public void Search_NoSharedTermOrFilteredOut_NotReturned()
    {
        var index = Bm25Index.Build(Corpus);

        Assert.Empty(index.Search("submarine", 10));
        Assert.Equal([2, 1], index.Search("space robots", 10, d => d != 0).Select(h => h.Document));
        Assert.Single(index.Search("space robots", 1));
        Assert.Equal(0, index.Idf("submarine"));
    }

    [Fact]
    public void Tokens_CaseAndAccents_Folded()
    {
        Assert.Equal(["cafe", "creme", "brulee", "2"], SearchTokens.Of("Café  Crème-BRÛLÉE #2"));
        Assert.Empty(SearchTokens.Of("  ,;! "));
    }
}
