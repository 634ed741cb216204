namespace MaaS.Services.Recommendations.Serving;

/// <summary>How a page is re-ranked against popularity bias.</summary>
internal enum DebiasMethod
{
    /// <summary>Relevance order, as the engine ranks.</summary>
    None,

    /// <summary>Popularity-penalised re-ranking of a candidate pool (<see cref="MaaS.Recommendations.Ranking.PopularityRerank"/>).</summary>
    Popularity,

    /// <summary>Re-ranking toward the genre mix of the user's history (<see cref="MaaS.Recommendations.Ranking.CalibratedRerank"/>, Steck 2018).</summary>
    Calibrated,
}

/// <summary>A debias setting in force for one page.</summary>
/// <param name="Method">The method.</param>
/// <param name="Strength">λ in [0, 1]; 0 ranks exactly as <see cref="DebiasMethod.None"/>.</param>
/// <param name="Origin">request (the body's <c>debias</c>) or tenant (<c>Recommendations:Debias</c>).</param>
internal sealed record DebiasSetting(DebiasMethod Method, float Strength, string Origin)
{
    /// <summary>Whether the page is re-ranked at all.</summary>
    public bool Active => Method != DebiasMethod.None && Strength > 0f;
}

/// <summary>The API's names of <see cref="DebiasMethod"/> and the strength bounds, shared by request and configuration validation.</summary>
internal static class DebiasMethods
{
    public const string Problem = "must be none, popularity or calibrated";

    public const string StrengthProblem = "must be in [0, 1]";

    /// <summary>Candidates the engine ranks per page slot before re-ranking: how far down a less popular item may come up
    /// from (on ml-100k, 20 per slot kept more nDCG at the same coverage than 5 or 10, and 40 needed a larger λ).</summary>
    public const int PoolFactor = 20;

    /// <summary>Fewest candidates re-ranked, so a short page still has room to choose.</summary>
    public const int MinPool = 200;

    public static bool TryParse(string? text, out DebiasMethod method)
    {
        switch (text?.ToLowerInvariant())
        {
            case null or "none":
                method = DebiasMethod.None;
                return true;
            case "popularity":
                method = DebiasMethod.Popularity;
                return true;
            case "calibrated":
                method = DebiasMethod.Calibrated;
                return true;
            default:
                method = default;
                return false;
        }
    }

    public static bool IsStrength(float strength) => !float.IsNaN(strength) && strength >= RecommendationLimits.MinDebiasStrength && strength <= RecommendationLimits.MaxDebiasStrength;

    public static string Name(DebiasMethod method) => method switch
    {
        DebiasMethod.Popularity => "popularity",
        DebiasMethod.Calibrated => "calibrated",
        _ => "none",
    };
}
