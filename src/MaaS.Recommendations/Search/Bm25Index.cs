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
    /// A hit's terms list the query's first 64 distinct terms it contains.
    /// </summary>
    public List<LexicalHit> Search(string query, int count, Func<int, bool>? accept = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var terms = SearchTokens.Of(query).Distinct(StringComparer.Ordinal).Where(_postings.ContainsKey).ToArray();
        if (terms.Length == 0 || count == 0)
        {
            return [];
        }

        // Dense accumulators over every document, pooled: a common word touches most of them, and a dictionary entry
        // (and a term list) per touched document cost ~10x the scoring at 100,000 documents.
        var scores = ArrayPool<float>.Shared.Rent(Count);
        var matched = ArrayPool<ulong>.Shared.Rent(Count);
        var touched = ArrayPool<int>.Shared.Rent(Count);
        try
        {
            Array.Clear(scores, 0, Count);
            Array.Clear(matched, 0, Count);
            int touchedCount = 0;
            float k1 = Options.K1, b = Options.B;
            for (int t = 0; t < terms.Length; t++)
            {
                float idf = Idf(terms[t]);
                ulong bit = t < 64 ? 1UL << t : 0;
                foreach (var (document, tf) in _postings[terms[t]])
                {
                    float norm = 1 - b + (b * (_averageLength == 0 ? 1 : _lengths[document] / _averageLength));
                    // Lucene's IDF and a positive tf make every contribution positive: zero means untouched.
                    if (scores[document] == 0)
                    {
                        touched[touchedCount++] = document;
                    }

                    scores[document] += idf * (tf * (k1 + 1)) / (tf + (k1 * norm));
                    matched[document] |= bit;
                }
            }

            // A common word touches most documents: the pooled heap checks each against its worst kept score first.
            int kept = Math.Min(count, touchedCount);
            var bestScores = ArrayPool<float>.Shared.Rent(kept);
            var bestDocuments = ArrayPool<int>.Shared.Rent(kept);
            try
            {
                var best = new TopRows(bestScores.AsSpan(0, kept), bestDocuments.AsSpan(0, kept));
                for (int i = 0; i < touchedCount; i++)
                {
                    int document = touched[i];
                    float score = scores[document];
                    if (best.Admits(score) && (accept is null || accept(document)))
                    {
                        best.Offer(score, document);
                    }
                }

                best.SortBestFirst();
                var hits = new List<LexicalHit>(best.Count);
                for (int i = 0; i < best.Count; i++)
                {
                    int document = best.RowAt(i);
                    ulong mask = matched[document];
                    hits.Add(new LexicalHit(document, best.ScoreAt(i), [.. terms.Where((_, t) => t < 64 && (mask & (1UL << t)) != 0)]));
                }

                return hits;
            }
            finally
            {
                ArrayPool<float>.Shared.Return(bestScores);
                ArrayPool<int>.Shared.Return(bestDocuments);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<ulong>.Shared.Return(matched);
            ArrayPool<int>.Shared.Return(touched);
        }
    }

    private readonly record struct Posting(int Document, int TermFrequency);
}
