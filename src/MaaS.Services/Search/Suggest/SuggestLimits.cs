namespace MaaS.Services.Search.Suggest;

/// <summary>The bounds of <c>GET /v1/search/suggest</c>, shown by the OpenAPI document too.</summary>
public static class SuggestLimits
{
    /// <summary>Most characters of <c>q</c>: what a search box holds.</summary>
    public const int MaxQueryLength = 100;

    public const int DefaultCount = 8;

    public const int MaxCount = 20;

    /// <summary>The query parameters the endpoint takes (their names, as ASP.NET Core's, in any case): any other is refused, so a misspelt one is not silently ignored.</summary>
    public static IReadOnlyList<string> Parameters { get; } = ["q", "count", "kind"];
}
