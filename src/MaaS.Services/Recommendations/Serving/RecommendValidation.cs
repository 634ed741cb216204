using StoreKind = MaaS.Storage.Abstractions.ItemKind;

namespace MaaS.Services.Recommendations.Serving;

/// <summary>A recommend request that passed validation, with its text members parsed.</summary>
/// <param name="Request">The request as the client sent it.</param>
/// <param name="Count">Results wanted.</param>
/// <param name="Kind">The kind filter, if any.</param>
/// <param name="Strategy">The strategy, decided here once.</param>
/// <param name="Debias">The request's own debias setting; null when it has none (the tenant's applies).</param>
internal sealed record ValidRecommend(RecommendRequest Request, int Count, StoreKind? Kind, RecommendationStrategy Strategy, DebiasSetting? Debias = null)
{
    public bool Metadata => Request.Include is { Count: > 0 };
}

/// <summary>A similar-items query that passed validation.</summary>
internal sealed record ValidSimilar(string ItemId, int Count, StoreKind? Kind, IReadOnlyList<string>? Genres, bool Metadata, RecommendationStrategy Strategy);

/// <summary>
/// The one validation of recommend and similar-items requests, against <see cref="RecommendationLimits"/>: every
/// broken rule is listed (field names as the client spelt them), nothing is checked again below.
/// </summary>
internal static class RecommendValidation
{
    public static Result<ValidRecommend> Validate(RecommendRequest? request)
    {
        if (request is null)
        {
            return Error.Invalid("body", "a JSON request body is required");
        }

        StoreKind? kind = null;
        List<FieldProblem>? problems = null;
        void Add(string field, string reason) => (problems ??= []).Add(new FieldProblem(-1, field, reason));

        if (!Strategies.TryParse(request.Strategy, out var strategy))
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
        CheckCount(request.Count, Add);
        CheckDiversity(request.Diversity, "diversity", Add);

        foreach (string what in request.Include ?? [])
        {
            if (!IsMetadata(what))
            {
                Add("include", "only 'metadata' is supported");
            }
        }

        var debias = CheckDebias(request.Debias, "debias", Add);

        if (request.Filters is { } filters)
        {
            kind = CheckKind(filters.Kind, "filters.kind", Add);
            CheckIds(filters.ExcludeIds, "filters.excludeIds", Add);
            if (filters.Genres is { Count: > RecommendationLimits.MaxListLength })
            {
                Add("filters.genres", $"at most {RecommendationLimits.MaxListLength}");
            }
        }

        return problems is null
            ? new ValidRecommend(request, request.Count ?? RecommendationLimits.DefaultCount, kind, strategy, debias)
            : Error.Invalid(problems);
    }

    public static Result<ValidSimilar> ValidateSimilar(string itemId, int? count, string? kindText, string? genresText, string? include, string? strategyText)
    {
        List<FieldProblem>? problems = null;
        void Add(string field, string reason) => (problems ??= []).Add(new FieldProblem(-1, field, reason));

        CheckCount(count, Add);
        var kind = CheckKind(kindText, "kind", Add);
        if (include is not null && !IsMetadata(include))
        {
            Add("include", "only 'metadata' is supported");
        }

        if (!Strategies.TryParse(strategyText, out var strategy))
        {
            Add("strategy", Strategies.Problem);
        }

        if (problems is not null)
        {
            return Error.Invalid(problems);
        }

        var genres = string.IsNullOrWhiteSpace(genresText) ? null : genresText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new ValidSimilar(itemId, count ?? RecommendationLimits.DefaultCount, kind, genres, include is not null, strategy);
    }

    /// <summary>An MMR λ, if given, in [0, 1].</summary>
    public static void CheckDiversity(float? diversity, string field, Action<string, string> add)
    {
        if (diversity is float d && (float.IsNaN(d) || d < RecommendationLimits.MinDiversity || d > RecommendationLimits.MaxDiversity))
        {
            add(field, "must be in [0, 1]");
        }
    }

    /// <summary>A request's own debias setting (null when it gives none, so the tenant's applies), its method and
    /// strength checked under <paramref name="field"/>.</summary>
    public static DebiasSetting? CheckDebias(DebiasRequest? asked, string field, Action<string, string> add)
    {
        if (asked is null)
        {
            return null;
        }

        bool known = DebiasMethods.TryParse(asked.Method, out var method);
        if (!known)
        {
            add($"{field}.method", DebiasMethods.Problem);
        }

        if (asked.Strength is float strength && !DebiasMethods.IsStrength(strength))
        {
            add($"{field}.strength", DebiasMethods.StrengthProblem);
        }

        return new DebiasSetting(known ? method : DebiasMethod.None, asked.Strength ?? RecommendationLimits.DefaultDebiasStrength, "request");
    }

    public static bool IsMetadata(string what) => "metadata".Equals(what, StringComparison.OrdinalIgnoreCase);

    private static void CheckCount(int? count, Action<string, string> add)
    {
        if (count is < 1 or > RecommendationLimits.MaxCount)
        {
            add("count", $"must be 1..{RecommendationLimits.MaxCount}");
        }
    }

    public static StoreKind? CheckKind(string? text, string field, Action<string, string> add)
    {
        if (text is null)
        {
            return null;
        }

        if (CatalogueMapping.TryParseKind(text, out var kind))
        {
            return kind;
        }

        add(field, "must be movie, song or game");
        return null;
    }

    public static void CheckId(string? id, string field, Action<string, string> add)
    {
        if (id is not null && (string.IsNullOrWhiteSpace(id) || id.Length > RecommendationLimits.MaxIdLength))
        {
            add(field, $"must be 1..{RecommendationLimits.MaxIdLength} characters, not blank");
        }
    }

    public static void CheckIds(IReadOnlyList<string>? ids, string field, Action<string, string> add)
    {
        if (ids is null)
        {
            return;
        }

        if (ids.Count > RecommendationLimits.MaxListLength)
        {
            add(field, $"at most {RecommendationLimits.MaxListLength} ids");
            return;
        }

        for (int i = 0; i < ids.Count; i++)
        {
            if (string.IsNullOrEmpty(ids[i]) || ids[i].Length > RecommendationLimits.MaxIdLength)
            {
                add($"{field}[{i}]", $"must be 1..{RecommendationLimits.MaxIdLength} characters");
            }
        }
    }
}
