namespace MaaS.Services.Recommendations.Users;

/// <summary>
/// Behaviour analysis of one user from its stored events, computed on request (nothing about the user is kept):
/// kind and genre affinity, genre entropy, novelty against the index's popularity, activity buckets and the genre
/// trend of the last days against the time before. Thread-safe.
/// </summary>
internal sealed class UserAnalyzer(IEventStore events, TenantStates tenants, RecommendationModels models)
{
    /// <summary>Most events analysed (the most recent).</summary>
    public const int MaxEvents = StorageLimits.MaxReadLimit;

    public async ValueTask<Result<UserAnalysisResponse>> AnalyzeAsync(string tenant, string userId, int? trendDays, CancellationToken cancellationToken)
    {
        int window = trendDays ?? RecommendationLimits.DefaultTrendDays;
        if (window is < RecommendationLimits.MinTrendDays or > RecommendationLimits.MaxTrendDays)
        {
            return Error.Invalid([new FieldProblem(-1, "trendDays", $"must be {RecommendationLimits.MinTrendDays}..{RecommendationLimits.MaxTrendDays}")]);
        }

        var read = await events.GetUserHistoryAsync(tenant, userId, MaxEvents, cancellationToken).ConfigureAwait(false);
        if (!read.TryGetValue(out var history, out var error))
        {
            return StoreProblems.ToApiError(error, "id", "the event store is unavailable");
        }

        return Result<UserAnalysisResponse>.Ok(await ProfileAsync(tenant, history, window, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The analysis of <paramref name="history"/> (newest first) against the tenant's catalogue and index.</summary>
    public async ValueTask<UserAnalysisResponse> ProfileAsync(string tenant, IReadOnlyList<InteractionEvent> history, int window, CancellationToken cancellationToken)
    {
        var state = await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        IndexStats? stats = null;
        var leased = models.Acquire(tenant);
        using (var lease = leased.IsSuccess ? leased.Value : null)
        {
            stats = (lease?.Model as ItemCfModel)?.Stats;
        }

        return Analyze(history, state.Catalogue, stats, window);
    }

    internal static UserAnalysisResponse Analyze(IReadOnlyList<InteractionEvent> history, CatalogueSnapshot catalogue, IndexStats? stats, int window)
    {
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        var genres = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var types = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var days = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var weeks = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var items = new HashSet<string>(StringComparer.Ordinal);
        var recent = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var earlier = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        int recentEvents = 0, earlierEvents = 0, unknown = 0, novel = 0;
        double novelty = 0;
        var last = history.Count > 0 ? history[0].Timestamp : (DateTimeOffset?)null;
        var first = history.Count > 0 ? history[^1].Timestamp : (DateTimeOffset?)null;
        var windowStart = last?.AddDays(-window);
        foreach (var e in history)
        {
            items.Add(e.ItemId);
            Increment(types, e.Type);
            var utc = e.Timestamp.UtcDateTime;
            Increment(days, utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            Increment(weeks, string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(utc)}-W{ISOWeek.GetWeekOfYear(utc):D2}"));
            bool isRecent = e.Timestamp > windowStart;
            if (isRecent)
            {
                recentEvents++;
            }
            else
            {
                earlierEvents++;
            }

            if (catalogue.Find(e.ItemId) is { } item)
            {
                Increment(kinds, CatalogueMapping.KindText(item.Kind));
                foreach (string g in item.Genres)
                {
                    Increment(genres, g);
                    Increment(isRecent ? recent : earlier, g);
                }
            }

            if (stats is { Events: > 0 } && stats.ItemEvents.TryGetValue(e.ItemId, out int n))
            {
                novelty += -Math.Log2((double)n / stats.Events);
                novel++;
            }
            else
            {
                unknown++;
            }
        }

        int genreMentions = genres.Values.Sum();
        double entropy = 0;
        foreach (int c in genres.Values)
        {
            double p = (double)c / genreMentions;
            entropy -= p * Math.Log2(p);
        }

        return new UserAnalysisResponse(
            history.Count,
            first,
            last,
            Shares(kinds),
            Shares(genres),
            types,
            new DiversityStats(entropy, genres.Count > 1 ? entropy / Math.Log2(genres.Count) : 0, genres.Count, items.Count),
            new PopularityStats(novel > 0 ? novelty / novel : null, stats?.MeanNoveltyBits, unknown),
            new ActivityStats(Buckets(days), Buckets(weeks), days.Count, days.Count > 0 ? (double)history.Count / days.Count : 0),
            Trend(window, recentEvents, earlierEvents, recent, earlier));
    }

    private static TrendStats Trend(int window, int recentEvents, int earlierEvents, Dictionary<string, int> recent, Dictionary<string, int> earlier)
    {
        double recentTotal = recent.Values.Sum(), earlierTotal = earlier.Values.Sum();
        var changes = new List<GenreTrend>();
        foreach (string genre in recent.Keys.Union(earlier.Keys, StringComparer.OrdinalIgnoreCase))
        {
            double r = recentTotal > 0 ? recent.GetValueOrDefault(genre) / recentTotal : 0;
            double b = earlierTotal > 0 ? earlier.GetValueOrDefault(genre) / earlierTotal : 0;
            changes.Add(new GenreTrend(genre, r, b, r - b));
        }

        // With nothing on one side there is no trend to speak of, only a profile.
        bool comparable = recentTotal > 0 && earlierTotal > 0;
        return new TrendStats(
            window,
            recentEvents,
            earlierEvents,
            comparable ? [.. changes.Where(c => c.Change > 0).OrderByDescending(c => c.Change).ThenBy(c => c.Genre, StringComparer.Ordinal)] : [],
            comparable ? [.. changes.Where(c => c.Change < 0).OrderBy(c => c.Change).ThenBy(c => c.Genre, StringComparer.Ordinal)] : []);
    }

    private static List<Affinity> Shares(Dictionary<string, int> counts)
    {
        double total = counts.Values.Sum();
        return [.. counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => new Affinity(p.Key, p.Value, p.Value / total))];
    }

    private static List<ActivityBucket> Buckets(SortedDictionary<string, int> counts) => [.. counts.Select(p => new ActivityBucket(p.Key, p.Value))];

    private static void Increment<TDictionary>(TDictionary counts, string key)
        where TDictionary : IDictionary<string, int> =>
        counts[key] = counts.TryGetValue(key, out int n) ? n + 1 : 1;
}
