using MaaS.Core;
using MaaS.Gateway.Contracts.V1;
using MaaS.Gateway.Errors;
using MaaS.Recommendations.Hybrid;
using MaaS.Recommendations.Ranking;
using MaaS.Storage.Abstractions;
using Microsoft.Extensions.Options;
using StoreKind = MaaS.Storage.Abstractions.ItemKind;

namespace MaaS.Gateway.Recommendations;

/// <summary>
/// Recommend and more-like-this: reads the user's history from the store at request time (so the latest event counts
/// at the next request), scores it by the requested strategy (cf: the tenant's current CF index; content: its content
/// index; hybrid, the default: both blended per item, so catalogue items without events are recommendable), and lets
/// items new since the last build in through the trending fallback. Thread-safe; holds no per-user state.
/// </summary>
internal sealed partial class RecommendationService(
    UserHistoryCache histories,
    TenantStates tenants,
    RecommendationModels models,
    UserIdHasher hasher,
    TimeProvider time,
    IOptions<RecommendationOptions> options,
    ILogger<RecommendationService> logger)
{
    private readonly HybridOptions _blend = new(options.Value.HybridBeta, options.Value.HybridContentWeight, options.Value.HybridNewItemSlots);

    /// <summary>Most results one call returns.</summary>
    public const int MaxCount = 100;

    /// <summary>Most ids in <c>items</c>, <c>excludeIds</c> or <c>genres</c>.</summary>
    public const int MaxListLength = 1_000;

    public async ValueTask<Result<RecommendResponse>> RecommendAsync(string tenant, RecommendRequest request, CancellationToken cancellationToken)
    {
        if (Validate(request, out StoreKind? kind, out var strategy) is { } problems)
        {
            return Error.Invalid(problems);
        }

        var state = await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        int count = request.Count ?? 10;
        var filters = request.Filters;
        UserHistory? stored = null;
        string? user = request.UserId ?? request.SessionId;
        if (user is not null)
        {
            var read = await histories.GetAsync(tenant, user, cancellationToken).ConfigureAwait(false);
            if (!read.TryGetValue(out stored, out var error))
            {
                return error.Code == ErrorCode.InvalidRequest
                    ? Error.Invalid(Problems(error, request.UserId is null ? "sessionId" : "userId"))
                    : new Error(ErrorCode.DependencyUnavailable, "the event store is unavailable");
            }

            if (logger.IsEnabled(LogLevel.Debug))
            {
                LogRecommend(logger, hasher.Hash(user), stored.Events);
            }
        }

        string[] unavailable = filters?.AvailableNow == true ? state.UnavailableOn(Today()) : [];
        var history = stored is not null && request.Items is null && filters?.ExcludeIds is null && unavailable.Length == 0
            ? new History(stored.ItemIds, stored.Weights)
            : Combine(stored, request.Items, filters?.ExcludeIds, unavailable);
        int historySize = history.Scored;
        bool metadata = WantsMetadata(request.Include);
        var leased = models.Acquire(tenant);
        if (!leased.IsSuccess && strategy != RecommendationStrategy.Content)
        {
            // No CF index yet (a tenant's first minutes): only items counted since start can be offered.
            var onlyTrending = new List<RecommendedItemResponse>(count);
            AddTrending(state, null, history, kind, filters, count, request.Explain, metadata, onlyTrending);
            return Result<RecommendResponse>.Ok(new RecommendResponse(onlyTrending, null, historySize));
        }

        using var lease = leased.IsSuccess ? leased.Value! : null;
        var model = (ItemCfModel?)lease?.Model;
        var index = model?.Index;
        var filter = kind is null && filters?.Genres is not { Count: > 0 } ? null : new ItemFilter(ToIndexKind(kind), filters?.Genres);
        var scoring = new RecommendationRequest(history.Ids, count, history.Weights, filter, request.Diversity, request.Explain);
        var result = strategy == RecommendationStrategy.CollaborativeFiltering
            ? index!.Recommend(scoring)
            : state.Hybrid(model, _blend).Recommend(scoring, strategy);
        if (result.Error != RecommendationError.None)
        {
            return new Error(ErrorCode.InvalidRequest, result.Error.ToString());
        }

        var output = new List<RecommendedItemResponse>(count);
        int firstPopular = result.Items.Count;
        for (int r = 0; r < result.Items.Count; r++)
        {
            if (result.Items[r].Source == RecommendationSource.Popularity)
            {
                firstPopular = r;
                break;
            }

            output.Add(ToResponse(state, result.Items[r], request.Explain, metadata));
        }

        if (firstPopular < result.Items.Count || result.Items.Count < count)
        {
            // Items first seen since the build have no neighbours yet; they outrank the index's stale popularity fill.
            AddTrending(state, index, history, kind, filters, count - output.Count, request.Explain, metadata, output);
        }

        for (int r = firstPopular; r < result.Items.Count && output.Count < count; r++)
        {
            output.Add(ToResponse(state, result.Items[r], request.Explain, metadata));
        }

        return Result<RecommendResponse>.Ok(new RecommendResponse(output, lease?.Version, historySize));
    }

    public async ValueTask<Result<SimilarItemsResponse>> SimilarAsync(
        string tenant, string itemId, int? count, string? kindText, string? genresText, string? include, string? strategyText, CancellationToken cancellationToken)
    {
        var problems = new List<FieldProblem>();
        int n = count ?? 10;
        if (n is < 1 or > MaxCount)
        {
            problems.Add(new FieldProblem(-1, "count", $"must be 1..{MaxCount}"));
        }

        StoreKind? kind = null;
        if (kindText is not null)
        {
            if (CatalogueMapping.TryParseKind(kindText, out var k))
            {
                kind = k;
            }
            else
            {
                problems.Add(new FieldProblem(-1, "kind", "must be movie, song or game"));
            }
        }

        if (include is not null && !include.Equals("metadata", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new FieldProblem(-1, "include", "only 'metadata' is supported"));
        }

        if (!Strategies.TryParse(strategyText, out var strategy))
        {
            problems.Add(new FieldProblem(-1, "strategy", Strategies.Problem));
        }

        if (problems.Count > 0)
        {
            return Error.Invalid(problems);
        }

        var genres = string.IsNullOrWhiteSpace(genresText) ? null : genresText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var state = await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        var leased = models.Acquire(tenant);
        if (!leased.IsSuccess && strategy != RecommendationStrategy.Content)
        {
            return new Error(ErrorCode.ModelNotReady, "the similarity index is not built yet; retry after POST /v1/recommendations/rebuild");
        }

        using var lease = leased.IsSuccess ? leased.Value! : null;
        var model = (ItemCfModel?)lease?.Model;
        var index = model?.Index;
        bool metadata = include is not null;
        var filter = kind is null && genres is null ? null : new ItemFilter(ToIndexKind(kind), genres);
        var similar = strategy == RecommendationStrategy.CollaborativeFiltering
            ? index!.SimilarItems(new SimilarItemsRequest(itemId, n, filter))
            : state.Hybrid(model, _blend).SimilarItems(new SimilarItemsRequest(itemId, n, filter), strategy);
        bool noNeighbours = similar.Error == RecommendationError.None && similar.Items.Count == 0 && strategy != RecommendationStrategy.CollaborativeFiltering;
        if (similar.Error == RecommendationError.UnknownItem || noNeighbours)
        {
            if (!state.Items.TryGetValue(itemId, out var item))
            {
                return new Error(ErrorCode.NotFound, "unknown item");
            }

            if (index is null)
            {
                return Result<SimilarItemsResponse>.Ok(new SimilarItemsResponse(itemId, [], null));
            }

            // No neighbours yet (catalogued after the CF build, or sharing no content feature): the most popular items
            // of its kind and genres stand in until the next build.
            var history = new History(1);
            history.Exclude(itemId);
            var fallbackFilter = new ItemFilter(ToIndexKind(kind ?? item.Kind), genres ?? (item.Genres.Count > 0 ? item.Genres : null));
            similar = index.Recommend(new RecommendationRequest(history.Ids, n, history.Weights, fallbackFilter));
        }

        var output = new List<RecommendedItemResponse>(similar.Items.Count);
        foreach (var r in similar.Items)
        {
            output.Add(ToResponse(state, r, explain: false, metadata));
        }

        return Result<SimilarItemsResponse>.Ok(new SimilarItemsResponse(itemId, output, lease?.Version));
    }

    private static History Combine(UserHistory? stored, IReadOnlyList<string>? items, IReadOnlyList<string>? excluded, string[] unavailable)
    {
        var history = new History((stored?.ItemIds.Length ?? 0) + (items?.Count ?? 0) + (excluded?.Count ?? 0) + unavailable.Length);
        if (stored is not null)
        {
            for (int i = 0; i < stored.ItemIds.Length; i++)
            {
                history.Add(stored.ItemIds[i], stored.Weights[i]);
            }
        }

        foreach (string id in items ?? [])
        {
            history.Add(id, 1f);
        }

        // Exclusions ride in the history with weight 0: they add nothing to scores, and the index never returns seen items.
        foreach (string id in excluded ?? [])
        {
            history.Exclude(id);
        }

        foreach (string id in unavailable)
        {
            history.Exclude(id);
        }

        return history;
    }

    private void AddTrending(
        TenantState state, MaaS.Recommendations.ItemIndex? index, History history, StoreKind? kind, RecommendFilters? filters,
        int room, bool explain, bool metadata, List<RecommendedItemResponse> output)
    {
        if (room <= 0 || state.NewItemEvents.IsEmpty)
        {
            return;
        }

        var candidates = new List<KeyValuePair<string, int>>();
        foreach (var pair in state.NewItemEvents)
        {
            if ((index is null || !index.TryGetItemIndex(pair.Key, out _))
                && !history.Contains(pair.Key)
                && !output.Exists(o => o.ItemId == pair.Key)
                && CatalogueMapping.Passes(state.Items.GetValueOrDefault(pair.Key), kind, filters?.Genres))
            {
                candidates.Add(pair);
            }
        }

        candidates.Sort(static (a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        for (int c = 0; c < candidates.Count && c < room; c++)
        {
            string id = candidates[c].Key;
            var reason = explain ? new RecommendationReason("trending", "New and trending", []) : null;
            var meta = metadata && state.Items.TryGetValue(id, out var item) ? CatalogueMapping.ToResponse(item) : null;
            output.Add(new RecommendedItemResponse(id, candidates[c].Value, "trending", reason, meta));
        }
    }

    private static RecommendedItemResponse ToResponse(TenantState state, RecommendedItem item, bool explain, bool metadata)
    {
        RecommendationReason? reason = null;
        if (explain)
        {
            reason = item.Source switch
            {
                RecommendationSource.Neighbours => Because(state, item.Because),
                RecommendationSource.Content => ContentReasons.Of(state, item.ItemId, ReasonItems(state, item.Because)),
                _ => new RecommendationReason("popular", "Popular right now", []),
            };
        }

        var meta = metadata && state.Items.TryGetValue(item.ItemId, out var catalogued) ? CatalogueMapping.ToResponse(catalogued) : null;
        string source = item.Source switch
        {
            RecommendationSource.Neighbours => "neighbours",
            RecommendationSource.Content => "content",
            _ => "popular",
        };
        return new RecommendedItemResponse(item.ItemId, item.Score, source, reason, meta);
    }

    private static List<ReasonItem> ReasonItems(TenantState state, IReadOnlyList<Contribution> contributions)
    {
        var items = new List<ReasonItem>(contributions.Count);
        foreach (var c in contributions)
        {
            // Exclusions ride in the history with weight 0; they explain nothing.
            if (c.Value > 0f)
            {
                items.Add(new ReasonItem(c.ItemId, state.Items.GetValueOrDefault(c.ItemId)?.Title, c.Value));
            }
        }

        return items;
    }

    private static RecommendationReason Because(TenantState state, IReadOnlyList<Contribution> contributions)
    {
        var items = ReasonItems(state, contributions);
        if (items.Count == 0)
        {
            return new RecommendationReason("similar", "Similar to your history", []);
        }

        var first = state.Items.GetValueOrDefault(items[0].ItemId);
        var (type, verb) = CatalogueMapping.Because(first?.Kind);
        return new RecommendationReason(type, $"Because you {verb} {items[0].Title ?? items[0].ItemId}", items);
    }

    private static List<FieldProblem>? Validate(RecommendRequest request, out StoreKind? kind, out RecommendationStrategy strategy)
    {
        kind = null;
        List<FieldProblem>? problems = null;
        void Add(string field, string reason) => (problems ??= []).Add(new FieldProblem(-1, field, reason));

        if (!Strategies.TryParse(request.Strategy, out strategy))
        {
            Add("strategy", Strategies.Problem);
        }

        if (request.UserId is null && request.SessionId is null && request.Items is not { Count: > 0 })
        {
            Add("userId", "give userId, sessionId or items");
        }

        if (request.UserId is not null && request.SessionId is not null)
        {
            Add("sessionId", "give userId or sessionId, not both");
        }

        CheckId(request.UserId, "userId", Add);
        CheckId(request.SessionId, "sessionId", Add);
        CheckIds(request.Items, "items", Add);
        if (request.Count is < 1 or > MaxCount)
        {
            Add("count", $"must be 1..{MaxCount}");
        }

        if (request.Diversity is float d && (float.IsNaN(d) || d is < 0f or > 1f))
        {
            Add("diversity", "must be in [0, 1]");
        }

        if (request.Include is { } include)
        {
            foreach (string what in include)
            {
                if (!"metadata".Equals(what, StringComparison.OrdinalIgnoreCase))
                {
                    Add("include", "only 'metadata' is supported");
                }
            }
        }

        if (request.Filters is { } filters)
        {
            if (filters.Kind is not null)
            {
                if (CatalogueMapping.TryParseKind(filters.Kind, out var k))
                {
                    kind = k;
                }
                else
                {
                    Add("filters.kind", "must be movie, song or game");
                }
            }

            CheckIds(filters.ExcludeIds, "filters.excludeIds", Add);
            if (filters.Genres is { Count: > MaxListLength })
            {
                Add("filters.genres", $"at most {MaxListLength}");
            }
        }

        return problems;
    }

    private static void CheckId(string? id, string field, Action<string, string> add)
    {
        if (id is not null && (string.IsNullOrWhiteSpace(id) || id.Length > StorageLimits.MaxIdLength))
        {
            add(field, $"must be 1..{StorageLimits.MaxIdLength} characters, not blank");
        }
    }

    private static void CheckIds(IReadOnlyList<string>? ids, string field, Action<string, string> add)
    {
        if (ids is null)
        {
            return;
        }

        if (ids.Count > MaxListLength)
        {
            add(field, $"at most {MaxListLength} ids");
            return;
        }

        for (int i = 0; i < ids.Count; i++)
        {
            if (string.IsNullOrEmpty(ids[i]) || ids[i].Length > StorageLimits.MaxIdLength)
            {
                add($"{field}[{i}]", $"must be 1..{StorageLimits.MaxIdLength} characters");
            }
        }
    }

    internal static List<FieldProblem> Problems(Error error, string field) =>
        error.Problems.Count == 0
            ? [new FieldProblem(-1, field, error.Message)]
            : [.. error.Problems.Select(f => new FieldProblem(f.Index, f.Index < 0 ? field : f.Field, f.Reason))];

    private static bool WantsMetadata(IReadOnlyList<string>? include) => include is { Count: > 0 };

    private static MaaS.Recommendations.Ranking.ItemKind? ToIndexKind(StoreKind? kind) => kind is { } k ? IndexBuilder.ToIndexKind(k) : null;

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Recommend for user {UserHash} from {HistoryEvents} stored events")]
    private static partial void LogRecommend(ILogger logger, string userHash, int historyEvents);
}
