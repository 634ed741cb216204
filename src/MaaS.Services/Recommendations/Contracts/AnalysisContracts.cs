namespace MaaS.Services.Recommendations.Contracts;

/// <summary>Behaviour analysis of one user from its stored events (<c>GET /v1/users/{id}/analysis</c>).</summary>
/// <param name="Events">Events analysed (the most recent 10,000 at most).</param>
/// <param name="FirstEvent">Oldest analysed event.</param>
/// <param name="LastEvent">Newest analysed event.</param>
/// <param name="Kinds">Share of events per item kind, largest first.</param>
/// <param name="Genres">Share of genre mentions per genre, largest first.</param>
/// <param name="EventTypes">Events per type.</param>
/// <param name="Diversity">How spread the user's taste is over genres.</param>
/// <param name="Popularity">How mainstream the user's items are.</param>
/// <param name="Activity">Events per day and per ISO week.</param>
/// <param name="Trend">Genres rising or falling in the last days compared with before.</param>
public sealed record UserAnalysisResponse(
    int Events,
    DateTimeOffset? FirstEvent,
    DateTimeOffset? LastEvent,
    IReadOnlyList<Affinity> Kinds,
    IReadOnlyList<Affinity> Genres,
    IReadOnlyDictionary<string, int> EventTypes,
    DiversityStats Diversity,
    PopularityStats Popularity,
    ActivityStats Activity,
    TrendStats Trend);

/// <summary>A share of the user's events.</summary>
/// <param name="Name">Kind or genre.</param>
/// <param name="Events">Events (or genre mentions) counted.</param>
/// <param name="Share">Fraction in [0, 1].</param>
public sealed record Affinity(string Name, int Events, double Share);

/// <summary>Genre diversity.</summary>
/// <param name="GenreEntropyBits">Shannon entropy of the genre distribution, in bits.</param>
/// <param name="NormalizedEntropy">Entropy divided by log2 of the number of genres seen (0 focused, 1 uniform).</param>
/// <param name="DistinctGenres">Genres seen.</param>
/// <param name="DistinctItems">Items seen.</param>
public sealed record DiversityStats(double GenreEntropyBits, double NormalizedEntropy, int DistinctGenres, int DistinctItems);

/// <summary>Popularity bias.</summary>
/// <param name="MeanNoveltyBits">Mean of -log2 p(item) over the user's events, p the item's share of all indexed events (higher: less mainstream). Null before the first index build.</param>
/// <param name="CatalogueMeanNoveltyBits">The same mean over all indexed events, for comparison.</param>
/// <param name="UnknownItems">The user's items the index has no popularity for (new since the last build).</param>
public sealed record PopularityStats(double? MeanNoveltyBits, double? CatalogueMeanNoveltyBits, int UnknownItems);

/// <summary>Activity over time (UTC).</summary>
/// <param name="Days">Events per day with at least one event, oldest first.</param>
/// <param name="Weeks">Events per ISO week (yyyy-Www), oldest first.</param>
/// <param name="ActiveDays">Days with at least one event.</param>
/// <param name="EventsPerActiveDay">Mean events on an active day.</param>
public sealed record ActivityStats(IReadOnlyList<ActivityBucket> Days, IReadOnlyList<ActivityBucket> Weeks, int ActiveDays, double EventsPerActiveDay);

/// <summary>One activity bucket.</summary>
/// <param name="Period">yyyy-MM-dd or yyyy-Www.</param>
/// <param name="Events">Events in it.</param>
public sealed record ActivityBucket(string Period, int Events);

/// <summary>Recent trend: genre shares in the last <paramref name="WindowDays"/> days (ending at the newest event) against the period before.</summary>
/// <param name="WindowDays">Length of the recent window.</param>
/// <param name="RecentEvents">Events in the window.</param>
/// <param name="EarlierEvents">Events before it.</param>
/// <param name="Rising">Genres whose share grew, largest growth first.</param>
/// <param name="Falling">Genres whose share shrank, largest drop first.</param>
public sealed record TrendStats(int WindowDays, int RecentEvents, int EarlierEvents, IReadOnlyList<GenreTrend> Rising, IReadOnlyList<GenreTrend> Falling);

/// <summary>A genre's share change.</summary>
/// <param name="Genre">Genre.</param>
/// <param name="RecentShare">Share of genre mentions in the window.</param>
/// <param name="EarlierShare">Share before the window.</param>
/// <param name="Change">RecentShare - EarlierShare.</param>
public sealed record GenreTrend(string Genre, double RecentShare, double EarlierShare, double Change);
