namespace MaaS.Recommendations.Evaluation;

/// <summary>"More like this" quality on a tagged catalogue.</summary>
/// <param name="Precision">Mean over queries of (neighbours sharing a tag with the query) / K; a short list counts its
/// missing places as misses.</param>
/// <param name="Queries">Query items scored (those the index holds).</param>
/// <param name="EmptyQueries">Queries that got no neighbour at all.</param>
public sealed record SimilarItemsReport(double Precision, int Queries, int EmptyQueries);

/// <summary>
/// Tag precision@K of similar items: each query item asks the content engine for K similar items, exactly as
/// <c>GET /v1/items/{id}/similar</c> does on a catalogue without CF (<see cref="HybridRecommender.SimilarItems"/>,
/// content strategy), and a neighbour counts when it shares at least one tag with the query. The tags must not be
/// among the index's features, or the measure rewards copying them. Stateless.
/// </summary>
public static class SimilarItemsProtocol
{
    /// <summary>Scores every query the index holds.</summary>
    public static SimilarItemsReport TagPrecision(ContentIndex content, IReadOnlyDictionary<string, string[]> tags, IEnumerable<string> queries, int k = 10)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var recommender = new HybridRecommender(null, content, null);
        double sum = 0;
        int count = 0, empty = 0;
        foreach (string query in queries)
        {
            if (!content.TryGetItemIndex(query, out _))
            {
                continue;
            }

            var own = tags.GetValueOrDefault(query) ?? [];
            var result = recommender.SimilarItems(new Ranking.SimilarItemsRequest(query, k), RecommendationStrategy.Content);
            int hits = result.Items.Count(i => tags.GetValueOrDefault(i.ItemId) is { } theirs && theirs.Intersect(own, StringComparer.Ordinal).Any());
            sum += (double)hits / k;
            count++;
            empty += result.Items.Count == 0 ? 1 : 0;
        }

        return new SimilarItemsReport(count == 0 ? 0 : sum / count, count, empty);
    }
}
