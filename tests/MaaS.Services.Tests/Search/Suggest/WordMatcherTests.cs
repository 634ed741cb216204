using MaaS.Services.Search.Suggest;

namespace MaaS.Services.Tests.Search.Suggest;

/// <summary>
/// The typo-tolerant word matcher against a plain dynamic-programming reference (Damerau in its optimal string
/// alignment form) on seeded random vocabularies, and each edit kind at each length band's threshold.
/// </summary>
public sealed class WordMatcherTests
{
    private static readonly string[] Vocabulary = Sorted("stranger", "strange", "strangers", "strap", "straw", "street", "string", "things", "thing", "the", "them", "sting", "range", "xstranger");

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 0)]
    [InlineData(4, 1)]
    [InlineData(7, 1)]
    [InlineData(8, 2)]
    [InlineData(30, 2)]
    public void AllowedEdits_ByLength_IsFuzzinessAuto(int length, int edits) => Assert.Equal(edits, WordMatcher.AllowedEdits(length));

    [Fact]
    public void Find_ShortPrefix_IsTheWordsThatBeginWithIt()
    {
        var found = Matches(Vocabulary, "str", prefix: true);

        Assert.Equal(["strange", "stranger", "strangers", "strap", "straw", "street", "string"], found.Keys.Order(StringComparer.Ordinal));
        Assert.All(found.Values, m => Assert.Equal((0, false), m));
    }

    [Fact]
    public void Find_ShortWord_AllowsNoTypo()
    {
        Assert.Empty(Matches(Vocabulary, "stg", prefix: true));
        Assert.Empty(Matches(Vocabulary, "teh", prefix: false));
        Assert.Equal((0, true), Matches(Vocabulary, "the", prefix: false)["the"]);
        Assert.Equal((0, true), Matches(Vocabulary, "the", prefix: true)["the"]);
        Assert.Equal((0, false), Matches(Vocabulary, "the", prefix: true)["them"]);
    }

    [Theory]
    [InlineData("stranger", "strnger", "deletion")]
    [InlineData("stranger", "straanger", "insertion")]
    [InlineData("stranger", "strangor", "substitution")]
    [InlineData("stranger", "srtanger", "transposition")]
    [InlineData("thing", "thnig", "transposition")]
    [InlineData("thing", "thang", "substitution")]
    [InlineData("thing", "thng", "deletion")]
    [InlineData("thing", "thiing", "insertion")]
    public void Find_OneEditOfEachKind_IsOneTypo(string word, string typed, string kind)
    {
        var whole = Matches(Vocabulary, typed, prefix: false);
        var prefix = Matches(Vocabulary, typed, prefix: true);

        Assert.True(whole.TryGetValue(word, out var w), $"{kind}: '{typed}' did not find '{word}' as a whole word");
        Assert.Equal((1, true), w);
        Assert.True(prefix.TryGetValue(word, out var p), $"{kind}: '{typed}' did not find '{word}' as a prefix");
        Assert.Equal(1, p.Edits);
    }

    [Theory]
    [InlineData("thnig", "things", false)]
    [InlineData("thxng", "thing", true)]
    [InlineData("strnger", "strangers", false)]
    [InlineData("strnge", "stranger", false)]
    public void Find_TypoInAPrefix_FindsTheLongerWords(string typed, string word, bool whole)
    {
        var found = Matches(Vocabulary, typed, prefix: true);

        Assert.True(found.TryGetValue(word, out var match), $"'{typed}' did not begin '{word}'");
        Assert.Equal((1, whole), match);
    }

    [Theory]
    [InlineData("strangr", 1, "one edit allowed at 7 letters")]
    [InlineData("strnge", 1, "one edit allowed at 6 letters")]
    [InlineData("xtrxnger", 2, "two edits allowed at 8 letters")]
    [InlineData("sxrangxrs", 2, "two edits allowed at 9 letters")]
    public void Find_AtTheThreshold_FindsAndOneMoreDoesNot(string typed, int edits, string why)
    {
        var found = Matches(Vocabulary, typed, prefix: false);
        Assert.Contains(found, m => m.Value.Edits == edits);

        string worse = "q" + typed[1..^1] + "q";
        Assert.DoesNotContain(Matches(Vocabulary, worse, prefix: false), m => m.Key is "stranger" or "strange" or "strangers");
        _ = why;
    }

    [Fact]
    public void Find_TwoSubstitutionsInASevenLetterWord_IsNotFound()
    {
        Assert.DoesNotContain("strange", Matches(Vocabulary, "stxangx", prefix: false).Keys);
        Assert.DoesNotContain("strange", Matches(Vocabulary, "stxangx", prefix: true).Keys);
    }

    [Theory]
    [InlineData(11, "abcd", false)]
    [InlineData(12, "abcd", true)]
    [InlineData(13, "abcdef", false)]
    [InlineData(14, "abcdef", true)]
    [InlineData(15, "ab", true)]
    public void Find_RandomVocabulary_AgreesWithTheReference(int seed, string alphabet, bool prefix)
    {
        var random = new Random(seed);
        string Word(int max) => new([.. Enumerable.Range(0, random.Next(1, max + 1)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
        var vocabulary = Sorted([.. Enumerable.Range(0, 800).Select(_ => Word(11))]);

        for (int i = 0; i < 300; i++)
        {
            string query = Word(10);
            var found = Matches(vocabulary, query, prefix);
            var expected = Reference(vocabulary, query, prefix);

            Assert.True(
                expected.Count == found.Count && expected.All(e => found.TryGetValue(e.Key, out var f) && f == e.Value),
                $"seed {seed}, query '{query}', prefix {prefix}: expected {Describe(expected)}, found {Describe(found)}");
        }
    }

    [Theory]
    [InlineData("stra", "stranger", true, 0, 4)]
    [InlineData("strn", "stranger", true, 1, 5)]
    [InlineData("srtanger", "stranger", false, 1, 8)]
    [InlineData("ca", "ab", false, 2, 2)]
    public void Distance_IsTheReference(string query, string word, bool prefix, int edits, int matched)
    {
        Assert.Equal(edits, WordMatcher.Distance(query, word, prefix, out int length));
        Assert.Equal(matched, length);
        Assert.Equal(prefix ? PrefixOsa(query, word) : Osa(query, word), edits);
    }

    /// <summary>The reference: the full table of query prefixes (rows) by word prefixes (columns), filled column by
    /// column; the whole word's distance is the last cell, the closest prefix's the least of the last row.</summary>
    internal static int Osa(string query, string word) => Table(query, word)[word.Length][query.Length];

    internal static int PrefixOsa(string query, string word) => Table(query, word).Min(column => column[query.Length]);

    private static int[][] Table(string query, string word)
    {
        var columns = new int[word.Length + 1][];
        for (int c = 0; c <= word.Length; c++)
        {
            columns[c] = new int[query.Length + 1];
            columns[c][0] = c;
            for (int r = 1; r <= query.Length; r++)
            {
                if (c == 0)
                {
                    columns[c][r] = r;
                    continue;
                }

                bool same = query[r - 1] == word[c - 1];
                int cell = Math.Min(columns[c - 1][r - 1] + (same ? 0 : 1), Math.Min(columns[c - 1][r], columns[c][r - 1]) + 1);
                bool swapped = r >= 2 && c >= 2 && query[r - 1] == word[c - 2] && query[r - 2] == word[c - 1];
                columns[c][r] = swapped ? Math.Min(cell, columns[c - 2][r - 2] + 1) : cell;
            }
        }

        return columns;
    }

    private static Dictionary<string, (int Edits, bool Whole)> Reference(string[] vocabulary, string query, bool prefix)
    {
        int k = WordMatcher.AllowedEdits(query.Length);
        var expected = new Dictionary<string, (int, bool)>(StringComparer.Ordinal);
        foreach (string word in vocabulary)
        {
            var table = Table(query, word);
            int whole = table[word.Length][query.Length];
            int edits = prefix ? table.Min(column => column[query.Length]) : whole;
            if (edits <= k)
            {
                expected[word] = (edits, whole == edits);
            }
        }

        return expected;
    }

    private static Dictionary<string, (int Edits, bool Whole)> Matches(string[] vocabulary, string query, bool prefix)
    {
        var ranges = new List<WordRange>();
        WordMatcher.Find(vocabulary, query, prefix, new int[WordMatcher.RowsLength(query.Length)], ranges);
        var found = new Dictionary<string, (int, bool)>(StringComparer.Ordinal);
        foreach (var range in ranges)
        {
            for (int w = range.Lo; w < range.Hi; w++)
            {
                Assert.True(found.TryAdd(vocabulary[w], (range.Edits, range.Whole)), $"'{vocabulary[w]}' found twice for '{query}'");
            }
        }

        return found;
    }

    private static string Describe(Dictionary<string, (int Edits, bool Whole)> matches) =>
        string.Join(' ', matches.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}:{m.Value.Edits}{(m.Value.Whole ? "w" : "p")}"));

    private static string[] Sorted(params string[] words) => [.. words.Distinct().Order(StringComparer.Ordinal)];
}
