namespace MaaS.Recommendations.Search;

/// <summary>BM25's two parameters.</summary>
/// <param name="K1">Term-frequency saturation (1.2: the usual default).</param>
/// <param name="B">Length normalisation in [0, 1] (0.75: the usual default).</param>
public sealed record Bm25Options(float K1 = 1.2f, float B = 0.75f);

/// <summary>A lexical hit: the document's ordinal, its BM25 score and the query terms it contains.</summary>
public readonly record struct LexicalHit(int Document, float Score, IReadOnlyList<string> Terms);

/// <summary>
/// Okapi BM25 over one text per document (the caller joins the fields it wants searched), with Lucene's IDF,
/// <c>ln(1 + (N - n + 0.5) / (n + 0.5))</c>, which never goes negative. An inverted index of term → (document, term
/// frequency) postings; a query reads only its terms' postings. Immutable once built; thread-safe.
/// </summary>
public sealed class Bm25Index
{
    private readonly Dictionary<string, Posting[]> _postings;
    private readonly int[] _lengths;
    private readonly float _averageLength;

    private Bm25Index(Dictionary<string, Posting[]> postings, int[] lengths, Bm25Options options)
    {
        _postings = postings;
        _lengths = lengths;
        Options = options;
        _averageLength = lengths.Length == 0 ? 0 : (float)lengths.Average();
    }

    public Bm25Options Options { get; }

    /// <summary>Documents indexed (ordinals 0..Count-1 in the order given to <see cref="Build"/>).</summary>
    public int Count => _lengths.Length;

    /// <summary>Indexes <paramref name="documents"/>; a document's ordinal is its position.</summary>
    public static Bm25Index Build(IReadOnlyList<string?> documents, Bm25Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var lists = new Dictionary<string, List<Posting>>(StringComparer.Ordinal);
        var lengths = new int[documents.Count];
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int d = 0; d < documents.Count; d++)
        {
            var tokens = SearchTokens.Of(documents[d]);
            lengths[d] = tokens.Count;
            counts.Clear();
            foreach (string token in tokens)
            {
                counts[token] = counts.GetValueOrDefault(token) + 1;
            }

            foreach (var (term, tf) in counts)
            {
                if (!lists.TryGetValue(term, out var list))
                {
                    lists[term] = list = [];
                }

                list.Add(new Posting(d, tf));
            }
        }

        return new Bm25Index(lists.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal), lengths, options ?? new Bm25Options());
    }

    /// <summary>The inverse document frequency of <paramref name="term"/> (0 for a term no document holds).</summary>
    public float Idf(string term)
    {
        int n = _postings.TryGetValue(term, out var postings) ? postings.Length : 0;
        return n == 0 ? 0 : MathF.Log(1 + ((Count - n + 0.5f) / (n + 0.5f)));
    }

    /// <summary>
    /// The <paramref name="count"/> best documents for <paramref name="query"/> that <paramref name="accept"/> admits,
    /// best first (ties by ordinal); a repeated query term counts once. Documents with no query term are never returned.
    /// </summary>
    public List<LexicalHit> Search(string query, int count, Func<int, bool>? accept = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var terms = SearchTokens.Of(query).Distinct(StringComparer.Ordinal).Where(_postings.ContainsKey).ToArray();
        var scores = new Dictionary<int, float>();
        var matched = new Dictionary<int, List<string>>();
        float k1 = Options.K1, b = Options.B;
        foreach (string term in terms)
        {
            float idf = Idf(term);
            foreach (var (document, tf) in _postings[term])
            {
                float norm = 1 - b + (b * (_averageLength == 0 ? 1 : _lengths[document] / _averageLength));
                float score = idf * (tf * (k1 + 1)) / (tf + (k1 * norm));
                scores[document] = scores.GetValueOrDefault(document) + score;
                if (!matched.TryGetValue(document, out var list))
                {
                    matched[document] = list = [];
                }

                list.Add(term);
            }
        }

        return [.. scores
            .Where(s => accept is null || accept(s.Key))
            .OrderByDescending(s => s.Value).ThenBy(s => s.Key)
            .Take(count)
            .Select(s => new LexicalHit(s.Key, s.Value, matched[s.Key]))];
    }

    private readonly record struct Posting(int Document, int TermFrequency);
}
