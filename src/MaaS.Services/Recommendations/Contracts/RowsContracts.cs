namespace MaaS.Services.Recommendations.Contracts;

/// <summary>
/// A home page of recommendation rows in one call (<c>POST /v1/recommend/rows</c>): for a user, a session or a list of
/// recent items, as <see cref="RecommendRequest"/>, and the rows wanted in page order. Each item appears in at most one
/// row (the first row that ranks it keeps it), and nothing the user consumed is offered. The strategy ranks the forYou
/// and because rows.
/// </summary>
/// <param name="UserId">As <see cref="RecommendSubject.UserId"/>.</param>
/// <param name="SessionId">As <see cref="RecommendSubject.SessionId"/>.</param>
/// <param name="Items">As <see cref="RecommendSubject.Items"/>.</param>
/// <param name="Rows">The rows, in page order: 1..20, at most 500 items in all (each row's count, times its anchors for
/// a <c>because</c> row).</param>
/// <param name="Explain">As <see cref="RecommendSubject.Explain"/>.</param>
/// <param name="Include">As <see cref="RecommendSubject.Include"/>.</param>
/// <param name="Strategy">As <see cref="RecommendSubject.Strategy"/>.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RecommendRowsRequest(
    string? UserId,
    string? SessionId,
    IReadOnlyList<string>? Items,
    [property: MaxLength(RecommendationLimits.MaxRows)] IReadOnlyList<RowRequest>? Rows,
    bool Explain = false,
    IReadOnlyList<string>? Include = null,
    string? Strategy = null) : RecommendSubject(UserId, SessionId, Items, Explain, Include, Strategy);

/// <summary>One row of a page.</summary>
/// <param name="Kind">forYou (the personal list, as <c>/v1/recommend</c> ranks it), because (the neighbours of one recent
/// history item, one row per item), trending (most events since the serving index was built), popular (the index's
/// time-decayed popularity) or new (released items, newest release first).</param>
/// <param name="Count">Items in the row, 1..100; default 10.</param>
/// <param name="Filters">Restrictions on the row's items, as <c>/v1/recommend</c>'s.</param>
/// <param name="Id">The row's id in the answer, up to 64 characters, unique in the page; default the kind (with its
/// position when the kind repeats).</param>
/// <param name="Anchors">For because: how many such rows, one per recent history item (most recent first), 1..10;
/// default 1. Not allowed on other kinds.</param>
/// <param name="Diversity">For forYou and because: MMR λ in [0, 1], as <c>/v1/recommend</c>'s, over the items the rows
/// above left. Not allowed on trending, popular and new rows (they rank by counts or dates).</param>
/// <param name="Debias">For forYou and because: re-ranking against popularity bias for this row, as
/// <c>/v1/recommend</c>'s (a because row's calibrated to its anchor's genres); absent uses the tenant's setting. Not
/// allowed on trending, popular and new rows.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RowRequest(
    [property: AllowedValues("forYou", "because", "trending", "popular", "new")] string? Kind,
    [property: Range(1, RecommendationLimits.MaxCount)] int? Count = null,
    RecommendFilters? Filters = null,
    [property: MaxLength(RecommendationLimits.MaxRowIdLength)] string? Id = null,
    [property: Range(1, RecommendationLimits.MaxAnchors)] int? Anchors = null,
    [property: Range(RecommendationLimits.MinDiversity, RecommendationLimits.MaxDiversity)] float? Diversity = null,
    DebiasRequest? Debias = null);

/// <summary>A page of rows.</summary>
/// <param name="RecommendationId">The page's id (16 hex digits, random): send it with the events any of its rows lead to,
/// as with <c>/v1/recommend</c>'s.</param>
/// <param name="Rows">The rows in the order asked; a row left with no item is left out (its id tells which were kept).</param>
/// <param name="ModelVersion">Version of the similarity index that ranked them (null when none is built yet).</param>
/// <param name="HistorySize">History items considered (stored events plus given items).</param>
public sealed record RecommendRowsResponse(string RecommendationId, IReadOnlyList<RecommendationRow> Rows, long? ModelVersion, int HistorySize);

/// <summary>One row of the page.</summary>
/// <param name="Id">The row's id: the request's, or its default.</param>
/// <param name="Kind">The row's kind as asked.</param>
/// <param name="Title">The row's heading in plain words, e.g. "Because you watched Lost Echo" or "Popular in Drama".</param>
/// <param name="Items">The row's items, best first, each as <c>/v1/recommend</c> answers it.</param>
/// <param name="Anchor">For a because row: the history item its items are neighbours of.</param>
public sealed record RecommendationRow(string Id, string Kind, string Title, IReadOnlyList<RecommendedItemResponse> Items, string? Anchor = null);
