using MaaS.Recommendations.Ranking;
using MaaS.Services.Recommendations.Attribution;

namespace MaaS.Services.Recommendations.Serving;

/// <summary>
/// Recommend and more-like-this: validates the request once (<see cref="RecommendValidation"/>), reads the user's
/// history from the store at request time (so the latest event counts at the next request), and ranks it by the
/// requested strategy through <see cref="Ranker"/> (cf: the tenant's current CF index; content: its content index;
/// hybrid, the default: both blended per item, so catalogue items without events are recommendable; then items new
/// since the last build, then popularity). Thread-safe; holds no per-user state.
/// </summary>
internal sealed partial class RecommendationService(
    UserHistoryCache histories,
    TenantStates tenants,
    RecommendationModels models,
    UserIdHasher hasher,
    TimeProvider time,
    IOptions<RecommendationOptions> options,
    AttributionTally tally,
    ILogger<RecommendationService> logger)
{
    private readonly HybridOptions _blend = options.Value.Blend();

    /// <summary>
    /// A page ranked for the gateway's own look at it (the bias report, the dashboard's user page): the same answer as
    /// an app gets, not counted as served (neither at <c>/metrics</c> nor in the attribution report).
    /// </summary>
    public ValueTask<Result<RecommendResponse>> RecommendAsync(string tenant, RecommendRequest? body, CancellationToken cancellationToken) =>
        RecommendAsync(tenant, body, null, served: false, cancellationToken);

    /// <summary>
    /// The answer an app shows (<c>POST /v1/recommend</c>), counted as served: recommends with the user's history at
    /// least as fresh as the event commit <paramref name="sessionToken"/> names (<see cref="SessionTokens"/>; null:
    /// whatever the cache holds, kept correct by the change feed).
    /// </summary>
    public ValueTask<Result<RecommendResponse>> RecommendAsync(string tenant, RecommendRequest? body, string? sessionToken, CancellationToken cancellationToken) =>
        RecommendAsync(tenant, body, sessionToken, served: true, cancellationToken);

    private async ValueTask<Result<RecommendResponse>> RecommendAsync(
        string tenant, RecommendRequest? body, string? sessionToken, bool served, CancellationToken cancellationToken)
    {
        if (sessionToken is not null && !SessionTokens.IsWellFormed(sessionToken))
        {
            return Error.Invalid([new FieldProblem(-1, SessionTokens.HeaderName, SessionTokens.Rule)]);
        }

        if (!RecommendValidation.Validate(body).TryGetValue(out var valid, out var invalid))
        {
            return invalid;
        }

        var request = valid.Request;
        var state = await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        var catalogue = state.Catalogue;
        if (!(await ReadHistoryAsync(tenant, request.UserId, request.SessionId, sessionToken, cancellationToken).ConfigureAwait(false)).TryGetValue(out var stored, out var error))
        {
            return error;
        }

        var filters = request.Filters;
        var leased = models.Acquire(tenant);
        using var lease = leased.IsSuccess ? leased.Value : null;
        var model = (ItemCfModel?)lease?.Model;
        string[] unavailable = filters?.AvailableNow == true ? catalogue.UnavailableOn(Today()) : [];
        if (catalogue.WithdrawnFrom(model?.Index) is { Length: > 0 } withdrawn)
        {
            unavailable = [.. unavailable, .. withdrawn];
        }

        var history = History.Of(stored, request.Items, filters?.ExcludeIds, unavailable);

        // Without a CF index (a tenant's first minutes) only content can rank; cf and hybrid offer trending items alone.
        var engine = model is null && valid.Strategy != RecommendationStrategy.Content ? null : state.Engine(model, catalogue, _blend);
        var debias = valid.Debias ?? options.Value.Debias.For(tenant);
        var query = new RankingQuery(history, valid.Count, valid.Strategy, valid.Kind, filters?.Genres, request.Diversity, request.Explain, debias);
        var popularity = model?.Stats.ItemEvents;
        var relevanceOrder = new List<string>();
        var page = Ranker.Rank(engine, query, catalogue, state.NewItemEvents, popularity, relevanceOrder);
        var items = ResultMapping.ToResponses(page, catalogue, request.Explain, valid.Metadata, debias);
        if (served)
        {
            tally.Served(tenant, items);
        }

        return new RecommendResponse(NewRecommendationId(), items, lease?.Version, history.Scored, Report(debias, page, relevanceOrder, popularity));
    }

    /// <summary>The stored history of the user or session (null for neither), as fresh as <paramref name="sessionToken"/> asks.</summary>
    private async ValueTask<Result<UserHistory?>> ReadHistoryAsync(string tenant, string? userId, string? sessionId, string? sessionToken, CancellationToken cancellationToken)
    {
        if ((userId ?? sessionId) is not { } user)
        {
            return (UserHistory?)null;
        }

        var read = await histories.GetAsync(tenant, user, sessionToken, cancellationToken).ConfigureAwait(false);
        if (!read.TryGetValue(out var stored, out var error))
        {
            return StoreProblems.ToApiError(error, userId is null ? "sessionId" : "userId", "the event store is unavailable");
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            LogRecommend(logger, hasher.Hash(user), stored.Events);
        }

        return stored;
    }

    // 64 random bits: unique enough across replicas and days of answers without coordination; not a secret.
    private static string NewRecommendationId() => Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()));

    /// <summary>What debiasing did to the page; null when it was off or nothing was ranked by the engine.</summary>
    private static DebiasReport? Report(DebiasSetting debias, List<RankedItem> page, List<string> relevanceOrder, IReadOnlyDictionary<string, int>? popularity)
    {
        if (!debias.Active || relevanceOrder.Count == 0)
        {
            return null;
        }

        // Fill-ins (trending, popular) are the same with or without: both means count them.
        var fills = page.Where(p => p.Source is RankedSource.Trending or RankedSource.Popular).Select(p => p.ItemId);
        double Mean(IEnumerable<string> ids) => ids.Select(id => (double)(popularity?.GetValueOrDefault(id) ?? 0)).DefaultIfEmpty(0).Average();
        return new DebiasReport(DebiasMethods.Name(debias.Method), debias.Strength, debias.Origin, Mean(page.Select(p => p.ItemId)), Mean(relevanceOrder.Concat(fills)));
    }

    public async ValueTask<Result<SimilarItemsResponse>> SimilarAsync(
        string tenant, string itemId, int? count, string? kindText, string? genresText, string? include, string? strategyText, CancellationToken cancellationToken)
    {
        if (!RecommendValidation.ValidateSimilar(itemId, count, kindText, genresText, include, strategyText).TryGetValue(out var valid, out var invalid))
        {
            return invalid;
        }

        var state = await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        var catalogue = state.Catalogue;
        if (catalogue.Deleted.Contains(itemId))
        {
            return new Error(ErrorCode.NotFound, "unknown item");
        }

        var leased = models.Acquire(tenant);
        if (!leased.IsSuccess && valid.Strategy != RecommendationStrategy.Content)
        {
            return new Error(ErrorCode.ModelNotReady, "the similarity index is not built yet; retry after POST /v1/recommendations/rebuild");
        }

        using var lease = leased.IsSuccess ? leased.Value : null;
        var model = (ItemCfModel?)lease?.Model;
        var filter = valid.Kind is null && valid.Genres is null ? null : new ItemFilter(valid.Kind is { } k ? CatalogueMapping.ToIndexKind(k) : null, valid.Genres);

        // Items deleted since the CF build are still its neighbours: ask for as many more and drop them.
        string[] withdrawn = catalogue.WithdrawnFrom(model?.Index);
        var similar = state.Engine(model, catalogue, _blend)
            .SimilarItems(new SimilarItemsRequest(itemId, Math.Min(valid.Count + withdrawn.Length, RecommendationRequest.MaxCount), filter), valid.Strategy);
        bool noNeighbours = similar.Error == RecommendationError.None && similar.Items.Count == 0 && valid.Strategy != RecommendationStrategy.CollaborativeFiltering;
        if (similar.Error == RecommendationError.UnknownItem || noNeighbours)
        {
            if (catalogue.Find(itemId) is not { } item)
            {
                return new Error(ErrorCode.NotFound, "unknown item");
            }

            if (model is null)
            {
                return new SimilarItemsResponse(itemId, [], null);
            }

            // No neighbours yet (catalogued after the CF build, or sharing no content feature): the most popular items
            // of its kind and genres stand in until the next build.
            var fallback = new ItemFilter(CatalogueMapping.ToIndexKind(valid.Kind ?? item.Kind), valid.Genres ?? (item.Genres.Count > 0 ? item.Genres : null));
            similar = model.Index.Popular(new PopularItemsRequest([itemId, .. withdrawn], valid.Count, fallback));
        }

        if (similar.Error != RecommendationError.None)
        {
            throw new InvalidOperationException($"The engine refused a validated query: {similar.Error}.");
        }

        var items = withdrawn.Length == 0 ? similar.Items : [.. similar.Items.Where(i => !catalogue.Deleted.Contains(i.ItemId)).Take(valid.Count)];
        return new SimilarItemsResponse(itemId, ResultMapping.ToResponses(items, catalogue, valid.Metadata), lease?.Version);
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Debug, Message = "Recommend for user {UserHash} from {HistoryEvents} stored events")]
    private static partial void LogRecommend(ILogger logger, string userHash, int historyEvents);
}
