using StoreKind = MaaS.Storage.Abstractions.ItemKind;

namespace MaaS.Services.Recommendations.Serving;

/// <summary>What a row ranks by.</summary>
internal enum RowKind
{
    /// <summary>The personal list, ranked as <c>/v1/recommend</c> ranks it.</summary>
    ForYou,

    /// <summary>The neighbours of one recent history item.</summary>
    Because,

    /// <summary>Most events since the serving index was built.</summary>
    Trending,

    /// <summary>The index's time-decayed popularity.</summary>
    Popular,

    /// <summary>Released items, newest release first.</summary>
    New,
}

/// <summary>A row that passed validation.</summary>
/// <param name="Id">Its id in the answer.</param>
/// <param name="Kind">What it ranks by.</param>
/// <param name="KindText">The kind as the API names it.</param>
/// <param name="Count">Items wanted (per because row).</param>
/// <param name="Anchors">Because rows wanted (1 for other kinds).</param>
/// <param name="ItemKind">Only items of this kind, if set.</param>
/// <param name="Genres">Only items with one of these genres, if set.</param>
/// <param name="ExcludeIds">Never these items in this row.</param>
/// <param name="AvailableNow">Only items available today.</param>
/// <param name="Diversity">A forYou or because row's MMR λ, if given.</param>
/// <param name="Debias">A forYou or because row's own debias setting; null: the tenant's.</param>
internal sealed record ValidRow(
    string Id, RowKind Kind, string KindText, int Count, int Anchors, StoreKind? ItemKind, IReadOnlyList<string>? Genres, IReadOnlyList<string>? ExcludeIds, bool AvailableNow,
    float? Diversity = null, DebiasSetting? Debias = null);

/// <summary>A page request that passed validation.</summary>
internal sealed record ValidRows(RecommendRowsRequest Request, RecommendationStrategy Strategy, IReadOnlyList<ValidRow> Rows)
{
    public bool Metadata => Request.Include is { Count: > 0 };
}

/// <summary>
/// The one validation of a page of rows: the caller as <see cref="RecommendValidation"/> checks it, then each row
/// (fields named by position, <c>rows[2].kind</c>), then the page's size against <see cref="RecommendationLimits"/>.
/// Every broken rule is listed.
/// </summary>
internal static class RowsValidation
{
    public const string KindProblem = "must be forYou, because, trending, popular or new";

    /// <summary>The refusal of <paramref name="field"/> on a trending, popular or new row: they rank by counts or dates,
    /// with no relevance to trade for diversity or against popularity.</summary>
    public static string RankedOnlyProblem(string field) => $"only a forYou or because row takes {field}: trending, popular and new rows rank by counts or dates, not relevance";

    public static Result<ValidRows> Validate(RecommendRowsRequest? request)
    {
        if (request is null)
        {
            return Error.Invalid("body", "a JSON request body is required");
        }

        // The caller's fields are recommend's: its validation words them, without rows (its count and filters are absent).
        var caller = new RecommendRequest(request.UserId, request.SessionId, request.Items, null, null, null, request.Explain, request.Include, request.Strategy);
        List<FieldProblem>? problems = null;
        var strategy = RecommendationStrategy.Hybrid;
        if (RecommendValidation.Validate(caller).TryGetValue(out var valid, out var invalid))
        {
            strategy = valid.Strategy;
        }
        else
        {
            problems = [.. invalid.Problems];
        }

        void Add(string field, string reason) => (problems ??= []).Add(new FieldProblem(-1, field, reason));

        if (request.Rows is not { Count: > 0 } asked)
        {
            Add("rows", $"give 1..{RecommendationLimits.MaxRows} rows");
            return Error.Invalid(problems!);
        }

        if (asked.Count > RecommendationLimits.MaxRows)
        {
            Add("rows", $"at most {RecommendationLimits.MaxRows} rows");
            return Error.Invalid(problems!);
        }

        var rows = new List<ValidRow>(asked.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int total = 0;
        for (int i = 0; i < asked.Count; i++)
        {
            if (Row(asked, i, Add) is { } row)
            {
                total += row.Count * row.Anchors;
                rows.Add(row);
                if (!ids.Add(row.Id))
                {
                    Add($"rows[{i}].id", $"'{row.Id}' names an earlier row too; give each row its own id");
                }
            }
        }

        if (total > RecommendationLimits.MaxPageItems)
        {
            Add("rows", $"at most {RecommendationLimits.MaxPageItems} items in all (count × anchors summed over the rows); these ask for {total}");
        }

        return problems is null ? new ValidRows(request, strategy, rows) : Error.Invalid(problems);
    }

    private static ValidRow? Row(IReadOnlyList<RowRequest> rows, int i, Action<string, string> add)
    {
        string at = $"rows[{i}]";
        if (rows[i] is not { } row)
        {
            add(at, "must be an object");
            return null;
        }

        bool known = TryParse(row.Kind, out var kind);
        if (!known)
        {
            add($"{at}.kind", KindProblem);
        }

        if (row.Count is < 1 or > RecommendationLimits.MaxCount)
        {
            add($"{at}.count", $"must be 1..{RecommendationLimits.MaxCount}");
        }

        if (row.Anchors is not null && (kind != RowKind.Because || !known))
        {
            add($"{at}.anchors", "only a because row has anchors");
        }
        else if (row.Anchors is < 1 or > RecommendationLimits.MaxAnchors)
        {
            add($"{at}.anchors", $"must be 1..{RecommendationLimits.MaxAnchors}");
        }

        if (known && kind is not (RowKind.ForYou or RowKind.Because))
        {
            if (row.Diversity is not null)
            {
                add($"{at}.diversity", RankedOnlyProblem("diversity"));
            }

            if (row.Debias is not null)
            {
                add($"{at}.debias", RankedOnlyProblem("debias"));
            }
        }

        RecommendValidation.CheckDiversity(row.Diversity, $"{at}.diversity", add);
        var debias = RecommendValidation.CheckDebias(row.Debias, $"{at}.debias", add);
        if (row.Id is { } id && (string.IsNullOrWhiteSpace(id) || id.Length > RecommendationLimits.MaxRowIdLength))
        {
            add($"{at}.id", $"must be 1..{RecommendationLimits.MaxRowIdLength} characters, not blank");
        }

        StoreKind? itemKind = null;
        if (row.Filters is { } filters)
        {
            itemKind = RecommendValidation.CheckKind(filters.Kind, $"{at}.filters.kind", add);
            RecommendValidation.CheckIds(filters.ExcludeIds, $"{at}.filters.excludeIds", add);
            if (filters.Genres is { Count: > RecommendationLimits.MaxListLength })
            {
                add($"{at}.filters.genres", $"at most {RecommendationLimits.MaxListLength}");
            }
        }

        if (!known)
        {
            return null;
        }

        string text = Name(kind);
        bool repeated = rows.Count(r => r?.Kind == row.Kind) > 1;
        return new ValidRow(
            row.Id ?? (repeated ? $"{text}-{i}" : text), kind, text, row.Count ?? RecommendationLimits.DefaultCount, row.Anchors ?? 1, itemKind,
            row.Filters?.Genres is { Count: > 0 } genres ? genres : null, row.Filters?.ExcludeIds, row.Filters?.AvailableNow == true,
            row.Diversity, debias);
    }

    /// <summary>The API's word for a kind (case-sensitive, as the OpenAPI enum lists them).</summary>
    public static string Name(RowKind kind) => kind switch
    {
        RowKind.ForYou => "forYou",
        RowKind.Because => "because",
        RowKind.Trending => "trending",
        RowKind.Popular => "popular",
        _ => "new",
    };

    private static bool TryParse(string? text, out RowKind kind)
    {
        foreach (var candidate in Enum.GetValues<RowKind>())
        {
            if (Name(candidate) == text)
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
