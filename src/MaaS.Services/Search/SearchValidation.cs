using MaaS.Services.Recommendations;
using StoreKind = MaaS.Storage.Abstractions.ItemKind;

namespace MaaS.Services.Search;

/// <summary>A search that passed validation. <paramref name="Query"/> is null only for a semantic search by
/// <paramref name="Vector"/>, which is the caller's vector L2-normalised (null: embed the query).</summary>
internal sealed record ValidSearch(
    string? Query, float[]? Vector, SearchMode Mode, int Count, StoreKind? Kind, IReadOnlyList<string>? Genres, HashSet<string> Exclude, bool AvailableNow, bool Explain, bool Metadata);

/// <summary>The one validation of a search request: every broken rule listed, with the field names the client used.</summary>
internal static class SearchValidation
{
    /// <summary>Checks <paramref name="request"/>; a <c>vector</c> must have <paramref name="dimensions"/> values, those
    /// of <paramref name="model"/>'s current version (null: not loaded, so not checked here).</summary>
    public static Result<ValidSearch> Validate(SearchRequest? request, string model, int? dimensions)
    {
        if (request is null)
        {
            return Error.Invalid("body", "a JSON request body is required");
        }

        List<FieldProblem>? problems = null;
        void Add(string field, string reason) => (problems ??= []).Add(new FieldProblem(-1, field, reason));

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

        if (request.Vector is not null && request.Query is null && mode == SearchMode.Hybrid)
        {
            Add("query", "hybrid mode (the default) ranks by words as well as by the vector: give a query too, or set mode to semantic to rank by the vector alone");
        }
        else if ((request.Vector is null || request.Query is not null) && (string.IsNullOrWhiteSpace(request.Query) || request.Query.Length > SearchLimits.MaxQueryLength))
        {
            Add("query", $"must be 1..{SearchLimits.MaxQueryLength} characters, not blank");
        }

        float[]? vector = null;
        if (request.Vector is { } given)
        {
            if (mode == SearchMode.Lexical)
            {
                Add("vector", "lexical mode ranks by words only: leave the vector out, or set mode to semantic or hybrid");
            }
            else if (Normalised(given, model, dimensions, out string? problem) is { } unit)
            {
                vector = unit;
            }
            else
            {
                Add("vector", problem!);
            }
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
                request.Query, vector, mode!.Value, request.Count ?? SearchLimits.DefaultCount, kind, filters?.Genres,
                new HashSet<string>(filters?.ExcludeIds ?? [], StringComparer.Ordinal), filters?.AvailableNow ?? false,
                request.Explain, request.Include is { Count: > 0 });
    }

    // The caller's vector at unit length, as the encoder's output is, or null with what to change. The norm is summed
    // in double: squares of floats past 1e19 overflow a float sum, and a subnormal's square underflows it. The length is
    // checked here, after the parse, not while reading: the body is streamed through DeserializeAsync, where a converter
    // that stopped at 4,096 values is not resumable, so the serializer would read and scan the whole array ahead of it
    // anyway (and the converter scan the rest again to skip it), saving only the floats' parsing; the body limit
    // (Auth:Limits, 8 MiB) bounds what a too-long vector costs.
    private static float[]? Normalised(IReadOnlyList<float> given, string model, int? dimensions, out string? problem)
    {
        problem = null;
        if (given.Count > SearchLimits.MaxVectorLength)
        {
            problem = $"has {given.Count} values; at most {SearchLimits.MaxVectorLength}";
            return null;
        }

        if (given.Count == 0 || (dimensions is int width && given.Count != width))
        {
            problem = dimensions is int d
                ? $"has {given.Count} values; it must have {d}, the dimensions of '{model}' whose space the items are embedded in"
                : "must hold the values of an embedding, not be empty";
            return null;
        }

        double squares = 0;
        for (int i = 0; i < given.Count; i++)
        {
            if (!float.IsFinite(given[i]))
            {
                problem = $"value {i} is not a finite number; every value must be";
                return null;
            }

            squares += (double)given[i] * given[i];
        }

        if (squares == 0)
        {
            problem = "is all zeros, which has no direction to compare; give a vector with a non-zero norm";
            return null;
        }

        double norm = Math.Sqrt(squares);
        var unit = new float[given.Count];
        for (int i = 0; i < unit.Length; i++)
        {
            unit[i] = (float)(given[i] / norm);
        }

        return unit;
    }
}
