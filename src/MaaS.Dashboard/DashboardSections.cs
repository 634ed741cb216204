namespace MaaS.Dashboard;

/// <summary>A dashboard section: one navigation entry and its page.</summary>
public sealed record DashboardSection(string Key, string Title, string Path);

/// <summary>A POST form's antiforgery field.</summary>
public sealed record FormToken(string Name, string Value);

/// <summary>
/// The sections the navigation lists, in order. A new page adds its section here and maps its page in
/// <see cref="DashboardEndpoints"/>.
/// </summary>
public static class DashboardSections
{
    public static IReadOnlyList<DashboardSection> All { get; } =
    [
        new("overview", "Overview", "/dashboard"),
        new("models", "Models & market", "/dashboard/models"),
        new("recommendations", "Recommendations", "/dashboard/recommendations"),
        new("search", "Search", "/dashboard/search"),
        new("trainings", "Training jobs", "/dashboard/trainings"),
        new("agents", "Agents", "/dashboard/agents"),
        new("keys", "Keys & limits", "/dashboard/keys"),
    ];
}
