namespace MaaS.Services.Recommendations.Contracts;

/// <summary>
/// Whom recommendations are for and how they are ranked and shown: what <c>POST /v1/recommend</c>
/// (<see cref="RecommendRequest"/>) and <c>POST /v1/recommend/rows</c> (<see cref="RecommendRowsRequest"/>) ask alike.
/// </summary>
/// <param name="UserId">Rank from this user's stored history (read at request time, so the latest events count).</param>
/// <param name="SessionId">Rank from this anonymous session's stored history.</param>
/// <param name="Items">Recent item ids of a session (most recent first), used with or instead of a stored history.</param>
/// <param name="Explain">When true each item carries its reason (because-you-played, popular, trending).</param>
/// <param name="Include">Extra data per item: <c>metadata</c> adds the catalogue entry.</param>
/// <param name="Strategy">cf (people who played X also played this), content (same genres, tags, kind, words as your
/// history) or hybrid (the default: both blended per item, the CF weight growing with its interactions as n / (n + β),
/// so an item without events is ranked by content). Anything else is a 400.</param>
public abstract record RecommendSubject(
    string? UserId,
    string? SessionId,
    [property: MaxLength(RecommendationLimits.MaxListLength)] IReadOnlyList<string>? Items,
    bool Explain,
    IReadOnlyList<string>? Include,
    string? Strategy);

/// <summary>
/// A recommendation request (<c>POST /v1/recommend</c>): for a user, a session, or a list of recent items. The one
/// shape from the endpoint to the response: the service validates it once against <see cref="RecommendationLimits"/>,
/// the bounds the OpenAPI document shows too.
/// </summary>
/// <param name="UserId">As <see cref="RecommendSubject.UserId"/>.</param>
/// <param name="SessionId">As <see cref="RecommendSubject.SessionId"/>.</param>
/// <param name="Items">As <see cref="RecommendSubject.Items"/>.</param>
/// <param name="Count">Results wanted, 1..100; default 10.</param>
/// <param name="Filters">Restrictions on the results.</param>
/// <param name="Diversity">MMR λ in [0, 1]: 1 (or absent) ranks by relevance only, lower values trade relevance for variety.</param>
/// <param name="Explain">As <see cref="RecommendSubject.Explain"/>.</param>
/// <param name="Include">As <see cref="RecommendSubject.Include"/>.</param>
/// <param name="Strategy">As <see cref="RecommendSubject.Strategy"/>.</param>
/// <param name="Debias">Re-ranking against popularity bias for this request; absent uses the tenant's setting
/// (<c>Recommendations:Debias</c>, off by default), <c>{"method":"none"}</c> turns it off.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RecommendRequest(
    string? UserId,
    string? SessionId,
    IReadOnlyList<string>? Items,
    [property: Range(1, RecommendationLimits.MaxCount)] int? Count,
    RecommendFilters? Filters,
    [property: Range(RecommendationLimits.MinDiversity, RecommendationLimits.MaxDiversity)] float? Diversity,
    bool Explain,
    IReadOnlyList<string>? Include,
    string? Strategy = null,
    DebiasRequest? Debias = null) : RecommendSubject(UserId, SessionId, Items, Explain, Include, Strategy);

/// <summary>Re-ranking against popularity bias: the engine ranks a pool of candidates (20 per slot, at least 200) and
/// each scores relevance − λ·popularity, relevance its score over the pool's best, popularity its quantile within the
/// pool by events in the serving build (0 the least popular candidate, 1 the most). On ml-100k λ = 0.5 doubles the
/// catalogue coverage without losing nDCG@10 (docs/recommendations.md). calibrated (Steck 2018) instead re-ranks the
/// pool greedily toward the genre mix of the user's history: (1 − λ)·Σ relevance − λ·KL(history genres ‖ page genres).</summary>
/// <param name="Method">none, popularity or calibrated.</param>
/// <param name="Strength">λ in [0, 1]; 0 ranks exactly as without; default 0.5.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DebiasRequest(
    string? Method,
    [property: Range(RecommendationLimits.MinDebiasStrength, RecommendationLimits.MaxDebiasStrength)] float? Strength);

/// <summary>Restrictions on recommended items; absent members do not filter.</summary>
/// <param name="Kind">Only this kind: movie, song or game.</param>
/// <param name="Genres">Only items with at least one of these genres (case-insensitive).</param>
/// <param name="ExcludeIds">Never these items (up to 1,000).</param>
/// <param name="AvailableNow">Only items whose availability window includes today (UTC).</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RecommendFilters(
    string? Kind,
    [property: MaxLength(RecommendationLimits.MaxListLength)] IReadOnlyList<string>? Genres,
    [property: MaxLength(RecommendationLimits.MaxListLength)] IReadOnlyList<string>? ExcludeIds,
    bool AvailableNow);

/// <summary>Recommended items, best first.</summary>
/// <param name="RecommendationId">
/// This answer's id (16 hex digits, random): send it as <c>recommendationId</c> with the events the page leads to
/// (a play, a like) and they are attributed to it, in the store and in the served-versus-attributed counters.
/// </param>
/// <param name="Items">The results.</param>
/// <param name="ModelVersion">Version of the similarity index that scored them (null when none is built yet).</param>
/// <param name="HistorySize">History items considered (stored events plus given items).</param>
/// <param name="Debias">The re-ranking applied and the page's popularity; absent when none was.</param>
public sealed record RecommendResponse(string RecommendationId, IReadOnlyList<RecommendedItemResponse> Items, long? ModelVersion, int HistorySize, DebiasReport? Debias = null);

/// <summary>The re-ranking against popularity bias a page got, and what its items weigh in popularity.</summary>
/// <param name="Method">popularity or calibrated.</param>
/// <param name="Strength">λ applied.</param>
/// <param name="Origin">request (the body's <c>debias</c>) or tenant (the tenant's configured setting).</param>
/// <param name="MeanPopularity">Mean events per item of the page in the serving build.</param>
/// <param name="MeanPopularityWithout">The same for the page relevance order alone would have served.</param>
public sealed record DebiasReport(string Method, float Strength, string Origin, double MeanPopularity, double MeanPopularityWithout);

/// <summary>One recommended item.</summary>
/// <param name="ItemId">Item id.</param>
/// <param name="Score">Relevance; comparable within one response only.</param>
/// <param name="Source">neighbours (collaborative), content, popular or trending.</param>
/// <param name="Reason">Why, when <c>explain</c> was asked for.</param>
/// <param name="Metadata">The catalogue entry, when <c>include</c> has <c>metadata</c> and the item is catalogued.</param>
public sealed record RecommendedItemResponse(string ItemId, float Score, string Source, RecommendationReason? Reason, ItemResponse? Metadata);

/// <summary>Why an item was recommended.</summary>
/// <param name="Type">because-you-played (or -watched, -listened) for collaborative results, same-genres or
/// similar-content for content results, popular or trending.</param>
/// <param name="Text">A sentence for people, e.g. "Because you played Star Quest" or "Same genres as Star Quest".</param>
/// <param name="Items">The history items that contributed most, strongest first (empty for popular / trending).</param>
/// <param name="Reranked">How debiasing moved the item (e.g. "Moved up from 14 to 3 by the popularity re-ranking
/// (strength 0.5)"); absent when it did not.</param>
public sealed record RecommendationReason(string Type, string Text, IReadOnlyList<ReasonItem> Items, string? Reranked = null);

/// <summary>A history item's share of a result's score.</summary>
/// <param name="ItemId">The history item.</param>
/// <param name="Title">Its title, when catalogued.</param>
/// <param name="Weight">history weight × similarity, in score units.</param>
public sealed record ReasonItem(string ItemId, string? Title, float Weight);

/// <summary>Items similar to one item (<c>GET /v1/items/{id}/similar</c>).</summary>
/// <param name="ItemId">The anchor item.</param>
/// <param name="Items">Similar items, most similar first.</param>
/// <param name="ModelVersion">Version of the similarity index used.</param>
public sealed record SimilarItemsResponse(string ItemId, IReadOnlyList<RecommendedItemResponse> Items, long? ModelVersion);

/// <summary>Outcome of an index rebuild (<c>POST /v1/recommendations/rebuild</c>).</summary>
/// <param name="Model">Registry model name of the tenant's index.</param>
/// <param name="Version">The new version now serving.</param>
/// <param name="Items">Items in the index.</param>
/// <param name="Events">Events read from the store.</param>
/// <param name="Users">Distinct users (and sessions) in those events.</param>
/// <param name="NeighbourCount">Stored neighbour entries.</param>
/// <param name="DurationMilliseconds">Time to read, build, write and load.</param>
public sealed record RebuildResponse(string Model, long Version, int Items, long Events, int Users, int NeighbourCount, double DurationMilliseconds);
