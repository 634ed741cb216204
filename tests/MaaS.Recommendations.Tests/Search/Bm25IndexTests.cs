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
    public void Search_SeededCorpusWithCommonWords_SameScoresTermsAndRankingAsNaiveScoring()
    {
        var random = new Random(17);
        // Three words in about half the tokens (as "the" is), the others rare, so queries touch most documents.
        string Word() => $"w{(random.NextDouble() < 0.5 ? random.Next(3) : random.Next(40))}";
        string[] documents = [.. Enumerable.Range(0, 6 * 50 + 7).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(1, 30)).Select(k => Word())))];
        var index = Bm25Index.Build(documents);
        var tokens = documents.Select(SearchTokens.Of).ToArray();
        float average = (float)tokens.Average(t => t.Count);
        for (int q = 0; q < 60; q++)
        {
            string query = string.Join(' ', Enumerable.Range(0, random.Next(1, 6)).Select(_ => Word()));
            int count = random.Next(1, 40), excluded = q % 7;
            var terms = SearchTokens.Of(query).Distinct(StringComparer.Ordinal).Where(t => index.Idf(t) > 0).ToArray();
            var naive = Enumerable.Range(0, documents.Length)
                .Select(d => (Terms: terms.Where(tokens[d].Contains).ToArray(), Score: terms.Sum(t => Naive(t, d))))
                .ToArray();
            var expected = Enumerable.Range(0, documents.Length).Where(d => d % 7 != excluded && naive[d].Terms.Length > 0)
                .OrderByDescending(d => naive[d].Score).ThenBy(d => d).Take(count).ToList();

            var actual = index.Search(query, count, d => d % 7 != excluded);

            Assert.True(expected.Count == actual.Count, $"query '{query}', count {count}: {actual.Count} hits, naive {expected.Count}");
            Assert.Equal(actual.Count, actual.Select(h => h.Document).Distinct().Count());
            for (int i = 0; i < actual.Count; i++)
            {
                var hit = actual[i];
                Assert.True(Math.Abs(hit.Score - naive[hit.Document].Score) < 1e-4, $"query '{query}' document {hit.Document}: {hit.Score} vs naive {naive[hit.Document].Score}");
                Assert.True(Math.Abs(hit.Score - naive[expected[i]].Score) < 1e-4, $"query '{query}' rank {i}: {hit.Score} vs naive {naive[expected[i]].Score}");
                Assert.Equal(naive[hit.Document].Terms, hit.Terms);
                Assert.NotEqual(excluded, hit.Document % 7);
            }
        }

        float Naive(string term, int document)
        {
            int tf = tokens[document].Count(t => t == term);
            float norm = 1 - 0.75f + (0.75f * (tokens[document].Count / average));
            return tf == 0 ? 0 : index.Idf(term) * (tf * 2.2f) / (tf + (1.2f * norm));
        }
    }

    [Fact]
    public void Tokens_CaseAndAccents_Folded()
    {
        Assert.Equal(["cafe", "creme", "brulee", "2"], SearchTokens.Of("Café  Crème-BRÛLÉE #2"));
        Assert.Empty(SearchTokens.Of("  ,;! "));
    }
}
