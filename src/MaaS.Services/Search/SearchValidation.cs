using MaaS.Services.Recommendations;
using StoreKind = MaaS.Storage.Abstractions.ItemKind;

namespace MaaS.Services.Search;

/// <summary>A search that passed validation.</summary>
internal sealed record ValidSearch(
    string Query, SearchMode Mode, int Count, StoreKind? Kind, IReadOnlyList<string>? Genres, HashSet<string> Exclude, bool AvailableNow, bool Explain, bool Metadata);

/// <summary>The one validation of a search request: every broken rule listed, with the field names the client used.</summary>
internal static class SearchValidation
{
    public static Result<ValidSearch> Validate(SearchRequest? request)
    {
        if (request is null)
        {
            return Error.Invalid("body", "a JSON request body is required");
        }

        List<FieldProblem>? problems = null;
        void Add(string field, string reason) => (problems ??= []).Add(new FieldProblem(-1, field, reason));

        if (string.IsNullOrWhiteSpace(request.Query) || request.Query.Length > SearchLimits.MaxQueryLength)
        {
            Add("query", $"must be 1..{SearchLimits.MaxQueryLength} characters, not blank");
        }

        SearchMode? mode = request.Mode?.ToLowerInvariant() switch
        {
            null or "hybrid" => SearchMode.Hybrid,
            "lexical" => SearchMode.Lexical,
            "semantic" => SearchMode.Semantic,
            _ => null,
        };
        if (mode is null)
        {
            Add("mode", "must be lexical, semantic or hybrid");
        }

        if (request.Count is < 1 or > SearchLimits.MaxCount)
        {
            Add("count", $"must be 1..{SearchLimits.MaxCount}");
        }

        foreach (string what in request.Include ?? [])
        {
            if (!"metadata".Equals(what, StringComparison.OrdinalIgnoreCase))
            {
                Add("include", "only 'metadata' is supported");
            }
        }

        StoreKind? kind = null;
        var filters = request.Filters;
        if (filters?.Kind is { } kindText)
        {
            if (CatalogueMapping.TryParseKind(kindText, out var parsed))
            {
                kind = parsed;
            }
            else
            {
                Add("filters.kind", "must be movie, song or game");
            }
        }

        if (filters?.Genres is { Count: > RecommendationLimits.MaxListLength })
        {
            Add("filters.genres", $"at most {RecommendationLimits.MaxListLength}");
        }

        if (filters?.ExcludeIds is { Count: > RecommendationLimits.MaxListLength })
        {
            Add("filters.excludeIds", $"at most {RecommendationLimits.MaxListLength} ids");
        }

        return problems is not null
            ? Error.Invalid(problems)
            : new ValidSearch(
                request.Query!, mode!.Value, request.Count ?? SearchLimits.DefaultCount, kind, filters?.Genres,
                new HashSet<string>(filters?.ExcludeIds ?? [], StringComparer.Ordinal), filters?.AvailableNow ?? false,
                request.Explain, request.Include is { Count: > 0 });
    }
}
