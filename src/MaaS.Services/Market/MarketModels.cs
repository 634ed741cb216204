namespace MaaS.Services.Market;

/// <summary>
/// The market as one tenant sees it, in the records the hosts answer with: which models a listing's filters keep, each
/// model with its versions and market facts (owner, visibility, shares for the owner), a publication, a model's shares.
/// </summary>
internal static class MarketModels
{
    /// <summary>Filters of a listing: <paramref name="task"/> and <paramref name="tag"/> exact, <paramref name="q"/> a substring of name, description or tags (all case-insensitive).</summary>
    public static bool Matches(ModelInfo model, string? task, string? tag, string? q)
    {
        var config = model.Config;
        if (!string.IsNullOrEmpty(task) && !string.Equals(config?.Task, task, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!string.IsNullOrEmpty(tag) && !(config?.Tags ?? []).Contains(tag, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        return string.IsNullOrEmpty(q)
            || model.Name.Contains(q, StringComparison.OrdinalIgnoreCase)
            || (config?.Description?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false)
            || (config?.Tags ?? []).Any(t => t.Contains(q, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A page of the models <paramref name="registry"/> shows the tenant, by name (ordinal), kept by the filters. The
    /// registry is in memory, so the page is cut from it; <c>after</c> must name a model the tenant may see.
    /// </summary>
    public static Result<Page<MarketModel>> List(
        IModelRegistry registry, ModelAccess access, string tenant, string? task, string? tag, string? q, PageRequest page)
    {
        if (page.After is { } after && registry.GetModel(after) is null)
        {
            return Page.UnknownCursor("model this tenant may see");
        }

        var models = registry.GetModels()
            .Where(m => (page.After is null || string.CompareOrdinal(m.Name, page.After) > 0) && Matches(m, task, tag, q))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Take(page.Probe)
            .ToList();
        return Page.Of(models, page, m => m.Name).Select(m => Summary(m, access, tenant));
    }

    /// <summary>A model as <paramref name="tenant"/> sees it: bundled models are public, the shares are shown to the owner only.</summary>
    public static MarketModel Summary(ModelInfo model, ModelAccess access, string tenant)
    {
        var listing = access.Find(model.Name);
        string? owner = listing?.Owner ?? access.MarkedOwner(model.Name);
        return new MarketModel(
            model.Name,
            model.Config?.Task,
            model.Config?.Description,
            model.Config?.Tags ?? [],
            model.Config?.Labels ?? [],
            model.DefaultVersion,
            model.IsReady,
            model.Reason,
            [.. model.Versions.Select(v => new ModelVersionSummary(v.Version, v.State.ToString(), v.IsReady, v.Reason, v.Platform, v.LoadedAt, v.Card))],
            owner,
            listing is null ? (owner is null ? "public" : "private") : Text(listing.Visibility),
            listing is not null && listing.Owner == tenant ? listing.SharedWith : null,
            Policy(model.Policy));
    }

    private static ModelPolicySummary Policy(VersionPolicyState state) =>
        new(state.Policy.DefaultVersion,
            state.Policy.Canary is { } canary ? new ModelCanarySummary(canary.Version, canary.Percent, state.CanaryFallback is null, state.CanaryFallback) : null);

    public static PublishResponse Published(PublishedVersion published) =>
        new(published.Name, published.Version, published.Owner, Text(published.Visibility));

    public static ShareResponse Shares(ModelListing listing) => new(listing.Name, Text(listing.Visibility), listing.SharedWith);

    /// <summary>One share as its resource (<c>/v1/models/{name}/shares/{tenant}</c>) answers it.</summary>
    public static ModelShare Share(string name, string grantee) => new(name, grantee);

    private static string Text(ModelVisibility visibility) => visibility.ToString().ToLowerInvariant();
}
