namespace MaaS.Services.Search.Suggest;

/// <summary>A suggest call that passed validation: the query folded into words (<see cref="SearchTokens.Words"/>), the
/// last one still being typed unless the query ends in a space or punctuation.</summary>
internal sealed record ValidSuggest(string Query, IReadOnlyList<string> Words, bool LastIsPrefix, int Count, ItemKind? Kind);

/// <summary>A valid suggest call and the view that answers it: its <see cref="ETag"/> is known before the answer is computed.</summary>
internal sealed class SuggestCall(ValidSuggest query, SuggestView view)
{
    public ValidSuggest Query => query;

    /// <summary>The view's entity tag: while it holds, this query's answer is the same.</summary>
    public string ETag => view.ETag;

    public SuggestResponse Answer() => new(query.Query, view.Answer(query));
}

/// <summary>
/// <c>GET /v1/search/suggest</c>: titles that complete what a search box holds, typos forgiven, from the tenant's
/// current catalogue snapshot (<see cref="SuggestIndexes"/>). Validates once, every broken rule listed with the
/// parameter's name. Thread-safe.
/// </summary>
internal sealed class TitleSuggestions(TenantStates tenants, SuggestIndexes indexes)
{
    /// <summary>
    /// How long a browser may reuse an answer without asking: a search box repeats a prefix within seconds (a
    /// backspace, the same word typed again), and five seconds bound how long it may show a list that misses a write;
    /// after that it asks with If-None-Match, answered 304 without matching while the view holds. <c>private</c>: the
    /// answer is the key's tenant's, for no shared cache.
    /// </summary>
    public const string CacheControl = "private, max-age=5";

    /// <summary>Validates the call and finds the view that answers it, without computing the answer.</summary>
    /// <param name="tenant">The caller's tenant.</param>
    /// <param name="q">What was typed.</param>
    /// <param name="count">Suggestions wanted (null: <see cref="SuggestLimits.DefaultCount"/>).</param>
    /// <param name="kind">movie, song or game (null: any).</param>
    /// <param name="parameters">The names of every query parameter sent.</param>
    /// <param name="cancellationToken">The request's abort.</param>
    public async ValueTask<Result<SuggestCall>> PrepareAsync(string tenant, string? q, int? count, string? kind, IEnumerable<string> parameters, CancellationToken cancellationToken)
    {
        if (!Validate(q, count, kind, parameters).TryGetValue(out var valid, out var invalid))
        {
            return invalid;
        }

        var state = await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        return new SuggestCall(valid, await indexes.GetAsync(state).ConfigureAwait(false));
    }

    /// <summary>Checks the query parameters; a query of no letters or digits is valid and matches nothing.</summary>
    public static Result<ValidSuggest> Validate(string? q, int? count, string? kind, IEnumerable<string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        List<FieldProblem>? problems = null;
        void Add(string field, string reason) => (problems ??= []).Add(new FieldProblem(-1, field, reason));

        foreach (string name in parameters)
        {
            if (!SuggestLimits.Parameters.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                Add(name, $"is not a parameter of this endpoint; it takes {string.Join(", ", SuggestLimits.Parameters)}");
            }
        }

        if (string.IsNullOrWhiteSpace(q) || q.Length > SuggestLimits.MaxQueryLength)
        {
            Add("q", $"must be 1..{SuggestLimits.MaxQueryLength} characters, not blank");
        }

        if (count is < 1 or > SuggestLimits.MaxCount)
        {
            Add("count", $"must be 1..{SuggestLimits.MaxCount}");
        }

        ItemKind? wanted = null;
        if (kind is not null)
        {
            if (CatalogueMapping.TryParseKind(kind, out var parsed))
            {
                wanted = parsed;
            }
            else
            {
                Add("kind", "must be movie, song or game");
            }
        }

        if (problems is not null)
        {
            return Error.Invalid(problems);
        }

        var tokens = SearchTokens.Words(q);
        bool typing = tokens.Count > 0 && tokens[^1].Start + tokens[^1].Length == q!.Length;
        return new ValidSuggest(q!, tokens.ConvertAll(t => t.Text), typing, count ?? SuggestLimits.DefaultCount, wanted);
    }
}
