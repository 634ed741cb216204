using MaaS.Recommendations.Evaluation;
using Rating = MaaS.Recommendations.Interactions.InteractionEvent;

namespace MaaS.Services.Recommendations.Evaluation;

/// <summary>
/// Offline evaluation through the API's own scoring path, so <c>maas evaluate</c> and <c>POST /v1/recommend</c> rank
/// alike on the same events and <see cref="RecommendationOptions"/>: the index is trained by <see cref="IndexTraining"/>
/// as the rebuild trains it; each user's history is what <see cref="UserHistoryCache"/> reads (the
/// <see cref="RecommendationOptions.HistoryLimit"/> most recent events, newest first, ties by arrival, latest first,
/// weighed by <see cref="EventWeights"/>, and every earlier item excluded); <see cref="Ranker"/> ranks the page (no
/// catalogue, no trending items: nothing is new since the build). Thread-safe.
/// </summary>
internal sealed class ServingEvaluator(RecommendationOptions options)
{
    private readonly EventWeights _weights = new(options.EventWeights);

    /// <summary>The settings evaluated.</summary>
    public RecommendationOptions Options { get; } = options;

    /// <summary>Ratings (user, item, rating, unix seconds) as the API stores them: one <c>rate</c> event each, the rating
    /// its value, ids <c>r0, r1, …</c> in file order (the arrival order).</summary>
    public static List<InteractionEvent> AsRateEvents(IReadOnlyList<Rating> ratings)
    {
        var events = new List<InteractionEvent>(ratings.Count);
        for (int i = 0; i < ratings.Count; i++)
        {
            var r = ratings[i];
            events.Add(new InteractionEvent(
                "r" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), r.UserId, r.ItemId, "rate", r.Value, DateTimeOffset.FromUnixTimeSeconds(r.Timestamp)));
        }

        return events;
    }

    /// <summary>Trains the index from events in arrival order, with the options' preset or <paramref name="preset"/>
    /// (either with the options' popularity half-life).</summary>
    public ItemCfModel Train(IReadOnlyList<InteractionEvent> events, IndexBuildOptions? preset = null)
    {
        var training = new IndexTraining(_weights);
        foreach (var e in events)
        {
            training.Add(e);
        }

        var settings = preset is null ? IndexTraining.Settings(Options) : IndexTraining.WithHalfLife(preset, Options);
        return new ItemCfModel(training.Build(settings, []), training.Stats(DateTimeOffset.UtcNow));
    }

    /// <summary>
    /// The top <paramref name="k"/> for each of <paramref name="users"/> that has events, from <paramref name="events"/>
    /// (arrival order) as its stored history.
    /// </summary>
    /// <param name="model">The trained index.</param>
    /// <param name="content">The content index, for the content and hybrid strategies; null for none.</param>
    /// <param name="events">Every stored event, in arrival order.</param>
    /// <param name="users">Users to rank for.</param>
    /// <param name="strategy">cf, content or hybrid.</param>
    /// <param name="k">Page size.</param>
    /// <param name="progress">Receives the number of users ranked so far.</param>
    /// <param name="debias">The re-ranking against popularity bias, as a request or tenant would set it; null for none.</param>
    /// <param name="genresOf">Item genres for calibrated re-ranking (the API reads its catalogue's); null: none known.</param>
    public Dictionary<string, IReadOnlyList<string>> Recommend(
        ItemCfModel model, ContentIndex? content, IReadOnlyList<InteractionEvent> events, IEnumerable<string> users, RecommendationStrategy strategy, int k, IProgress<int>? progress = null,
        DebiasSetting? debias = null, Func<string, IReadOnlyList<string>?>? genresOf = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var engine = new HybridRecommender(model.Index, content, model.Stats.ItemEvents, Options.Blend());
        var stored = StoredHistories(events);
        var ranked = users.Where(stored.ContainsKey).Distinct().ToArray();
        var pages = new IReadOnlyList<string>[ranked.Length];
        int done = 0;
        Parallel.For(0, ranked.Length, u =>
        {
            var events = stored[ranked[u]];
            var window = events.Count > Options.HistoryLimit ? events.GetRange(0, Options.HistoryLimit) : events;
            var history = History.Of(UserHistory.Aggregate(window, _weights, events.Select(e => e.ItemId)), null, null, []);
            var page = Ranker.Rank(engine, new RankingQuery(history, k, strategy, Debias: debias), CatalogueSnapshot.Empty, [], model.Stats.ItemEvents, genresOf: genresOf);
            pages[u] = [.. page.Select(p => p.ItemId)];
            int now = Interlocked.Increment(ref done);
            if (progress is not null && (now % 100 == 0 || now == ranked.Length))
            {
                progress.Report(now);
            }
        });

        var byUser = new Dictionary<string, IReadOnlyList<string>>(ranked.Length, StringComparer.Ordinal);
        for (int u = 0; u < ranked.Length; u++)
        {
            byUser[ranked[u]] = pages[u];
        }

        return byUser;
    }

    /// <summary>Trains on <paramref name="train"/>, ranks every user of <paramref name="test"/> and scores the pages:
    /// accuracy, and the bias measures (coverage and Gini over the distinct training items the index knows, popularity
    /// as distinct training users per item, profiles every training item of the user; exposure by the groups
    /// <c>exposureOf</c> gives an item, such as its genres, kind or provider (<see cref="ExposureGroups"/>), or else by
    /// <c>groupsOf</c>, the genres calibrated re-ranking reads). <c>debias</c> re-ranks as a request would.</summary>
    public EvaluationReport Evaluate(
        IReadOnlyList<InteractionEvent> train, IReadOnlyList<InteractionEvent> test, RecommendationStrategy strategy, int k,
        IndexBuildOptions? preset = null, ContentIndex? content = null, IProgress<int>? progress = null, DebiasSetting? debias = null,
        Func<string, IReadOnlyList<string>>? groupsOf = null, Func<string, IReadOnlyList<string>>? exposureOf = null)
    {
        var watch = Stopwatch.StartNew();
        var model = Train(train, preset);
        double seconds = watch.Elapsed.TotalSeconds;
        return Evaluate(model, seconds, train, test, strategy, k, preset, content, progress, debias, groupsOf, exposureOf);
    }

    /// <summary>The same over an index already trained on <paramref name="train"/> (a sweep trains once).</summary>
    public EvaluationReport Evaluate(
        ItemCfModel model, double buildSeconds, IReadOnlyList<InteractionEvent> train, IReadOnlyList<InteractionEvent> test, RecommendationStrategy strategy, int k,
        IndexBuildOptions? preset = null, ContentIndex? content = null, IProgress<int>? progress = null, DebiasSetting? debias = null,
        Func<string, IReadOnlyList<string>>? groupsOf = null, Func<string, IReadOnlyList<string>>? exposureOf = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var truth = Truth(test);
        var pages = Recommend(model, content, train, truth.Keys, strategy, k, progress, debias, groupsOf);
        string[] trainItems = [.. train.Select(e => e.ItemId).Where(id => model.Index.TryGetItemIndex(id, out _)).Distinct(StringComparer.Ordinal)];
        var settings = preset is null ? IndexTraining.Settings(Options) : IndexTraining.WithHalfLife(preset, Options);
        var profiles = train.GroupBy(e => e.UserId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyCollection<string>)g.Select(e => e.ItemId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var usersPerItem = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var items in profiles.Values)
        {
            foreach (string item in items)
            {
                usersPerItem[item] = usersPerItem.GetValueOrDefault(item) + 1;
            }
        }

        var bias = BeyondAccuracy.Evaluate(pages, profiles, new ItemPopularity(usersPerItem, profiles.Count), trainItems, k, exposureOf ?? groupsOf);
        return new EvaluationReport(RankingEvaluator.Evaluate(truth, pages, k, trainItems.Length), buildSeconds, model.Index.NeighbourBytes, settings, bias);
    }

    /// <summary>Per user, the held-out items (the relevant set).</summary>
    public static Dictionary<string, HashSet<string>> Truth(IEnumerable<InteractionEvent> test)
    {
        var truth = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var e in test)
        {
            if (!truth.TryGetValue(e.UserId, out var items))
            {
                truth[e.UserId] = items = new HashSet<string>(StringComparer.Ordinal);
            }

            items.Add(e.ItemId);
        }

        return truth;
    }

    // Every event of each user in the order IEventStore.GetUserHistoryAsync answers: newest first, ties by arrival,
    // latest first. Its first HistoryLimit events are the window the API reads.
    private static Dictionary<string, List<InteractionEvent>> StoredHistories(IReadOnlyList<InteractionEvent> events)
    {
        var byUser = new Dictionary<string, List<InteractionEvent>>(StringComparer.Ordinal);
        for (int i = events.Count - 1; i >= 0; i--)
        {
            var e = events[i];
            if (!byUser.TryGetValue(e.UserId, out var list))
            {
                byUser[e.UserId] = list = [];
            }

            list.Add(e);
        }

        foreach (var (user, latestArrivalFirst) in byUser.ToList())
        {
            // A stable sort keeps later arrivals first among equal timestamps.
            byUser[user] = [.. latestArrivalFirst.OrderByDescending(e => e.Timestamp)];
        }

        return byUser;
    }
}
