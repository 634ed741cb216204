namespace MaaS.Gateway.Dashboard;

/// <summary>A dashboard section: one navigation entry and its page.</summary>
public sealed record DashboardSection(string Key, string Title, string Path);

/// <summary>A POST form's antiforgery field.</summary>
public sealed record FormToken(string Name, string Value);

/// <summary>
/// The sections the navigation lists, in order. The extension point for pages that need features the gateway does not
/// have yet (training jobs with live progress, agents with reward curves): add the section here and map its page in
/// <see cref="DashboardEndpoints"/>; until then nothing links to them.
/// </summary>
public static class DashboardSections
{
    public static IReadOnlyList<DashboardSection> All { get; } =
    [
        new("overview", "Overview", "/dashboard"),
        new("models", "Models & market", "/dashboard/models"),
        new("recommendations", "Recommendations", "/dashboard/recommendations"),
        new("search", "Search", "/dashboard/search"),
        new("keys", "Keys & limits", "/dashboard/keys"),
    ];
}
