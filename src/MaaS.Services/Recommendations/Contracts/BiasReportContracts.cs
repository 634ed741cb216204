namespace MaaS.Services.Recommendations.Contracts;

/// <summary>
/// A beyond-accuracy report (<c>POST /v1/recommendations/bias</c>): the named users' pages are ranked as
/// <c>POST /v1/recommend</c> ranks them, then measured together.
/// </summary>
/// <param name="UserIds">The users whose pages are measured, 1..<see cref="RecommendationLimits.MaxReportUsers"/>; users without events are skipped.</param>
/// <param name="Count">Page size K, 1..100; default 10.</param>
/// <param name="Strategy">cf, content or hybrid (default), as for recommend.</param>
/// <param name="By">The item attribute exposure is grouped by: genre (default), kind, tag, or a tag attribute's name
/// such as provider (tags written <c>provider:value</c>).</param>
/// <param name="Debias">Re-ranking as for recommend; absent: the tenant's setting.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BiasReportRequest(
    [property: MinLength(1), MaxLength(RecommendationLimits.MaxReportUsers)] IReadOnlyList<string>? UserIds,
    [property: Range(1, RecommendationLimits.MaxCount)] int? Count = null,
    string? Strategy = null,
    [property: MaxLength(40)] string? By = null,
    DebiasRequest? Debias = null);

/// <summary>The bias side of the named users' pages (popularity: the item's events in the serving build).</summary>
/// <param name="Users">Users measured (those with events and a non-empty page).</param>
/// <param name="Count">Page size K.</param>
/// <param name="By">The attribute of <paramref name="Groups"/>.</param>
/// <param name="Coverage">Distinct recommended items / items with events in the serving build (the catalogue before the first build).</param>
/// <param name="Gini">Gini of the exposure over those items, unrecommended ones counting 0.</param>
/// <param name="Novelty">Mean −log2 of the recommended items' share of the build's events, in bits.</param>
/// <param name="Arp">Average recommendation popularity: per user the mean events of the page's items, averaged over users.</param>
/// <param name="ProfileArp">The same over each user's consumed items.</param>
/// <param name="PopularityLift"><paramref name="Arp"/> / <paramref name="ProfileArp"/>; null when no profile has known items.</param>
/// <param name="Groups">Exposure by group: each slot split evenly over its item's groups, against the groups' share in the users' histories.</param>
/// <param name="ModelVersion">The index version that ranked the pages; null before the first build.</param>
public sealed record BiasReportResponse(
    int Users, int Count, string By, double Coverage, double Gini, double Novelty, double Arp, double ProfileArp, double? PopularityLift,
    IReadOnlyList<ExposureShare> Groups, long? ModelVersion);

/// <summary>One group's exposure.</summary>
/// <param name="Group">The attribute's value; <c>(none)</c> for items without it.</param>
/// <param name="RecommendedShare">Share of the recommended slots.</param>
/// <param name="HistoryShare">Share of the users' consumed items.</param>
public sealed record ExposureShare(string Group, double RecommendedShare, double HistoryShare);
