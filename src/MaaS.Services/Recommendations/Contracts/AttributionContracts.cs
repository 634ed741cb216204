namespace MaaS.Services.Recommendations.Contracts;

/// <summary>
/// What the tenant's recommendations served and what they led to (<c>GET /v1/recommendations/attribution</c>), summed
/// over every replica, in UTC buckets of an hour or a day.
/// </summary>
/// <param name="From">Start of the first bucket (the asked <c>from</c>, down to its bucket's start).</param>
/// <param name="To">End of the last bucket (exclusive; the asked <c>to</c>, up to a bucket's end).</param>
/// <param name="Granularity">hour or day.</param>
/// <param name="Totals">The whole range's counts and rates (no <c>start</c>).</param>
/// <param name="Buckets">Every bucket of the range in time order, empty ones included (zeros), so a chart needs no gap filling.</param>
public sealed record AttributionReport(DateTimeOffset From, DateTimeOffset To, string Granularity, AttributionBucket Totals, IReadOnlyList<AttributionBucket> Buckets);

/// <summary>One bucket's counts (or the range's, in <see cref="AttributionReport.Totals"/>).</summary>
/// <param name="Start">The bucket's start (UTC); absent in the totals.</param>
/// <param name="Answers">Recommend answers given.</param>
/// <param name="ServedItems">Items those answers served.</param>
/// <param name="Served">Served items by source (neighbours, content, trending, popular); sources with none left out.</param>
/// <param name="AttributedEvents">Events newly stored with a recommendationId.</param>
/// <param name="Attributed">Attributed events by type (view, play, like, rate, skip, click, purchase; other for any other
/// type); types with none left out.</param>
/// <param name="Rates">Per type of <paramref name="Attributed"/>: its events per served item (the click-through or
/// play-through rate); empty when nothing was served.</param>
public sealed record AttributionBucket(
    DateTimeOffset? Start,
    long Answers,
    long ServedItems,
    IReadOnlyDictionary<string, long> Served,
    long AttributedEvents,
    IReadOnlyDictionary<string, long> Attributed,
    IReadOnlyDictionary<string, double> Rates);
