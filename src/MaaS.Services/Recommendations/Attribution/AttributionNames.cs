namespace MaaS.Services.Recommendations.Attribution;

/// <summary>
/// The names attribution counts under, one list for <c>/metrics</c> (<see cref="AttributionTally.MeterName"/>) and the
/// stored hourly totals (<see cref="AttributionTally"/>): the sources an answer's items carry, and the event types
/// counted under their own name (any other word counts as <c>other</c>, so an app's own types cannot grow the series or
/// the rows without bound).
/// </summary>
internal static class AttributionNames
{
    public static readonly string[] Sources = ["neighbours", "content", "trending", "popular", "new"];

    public static readonly string[] Types = ["view", "play", "like", "rate", "skip", "click", "purchase", "other"];

    /// <summary>The source's index in <see cref="Sources"/>, or -1 for a source not counted.</summary>
    public static int SourceIndex(string? source) => source switch
    {
        "neighbours" => 0,
        "content" => 1,
        "trending" => 2,
        "popular" => 3,
        "new" => 4,
        _ => -1,
    };

    /// <summary>The type's index in <see cref="Types"/>; any word not listed is <c>other</c>, the last.</summary>
    public static int TypeIndex(string type)
    {
        int named = Array.IndexOf(Types, type);
        return named >= 0 ? named : Types.Length - 1;
    }
}
