namespace MaaS.Dashboard;

/// <summary>
/// Models and market: every model the viewer may see with its versions, cards (metrics, data, licence), owner,
/// visibility and shares, and the actions an owner (or the operator) may take: load, unload, pin the default version,
/// share and withdraw a share. Actions are POST forms with an antiforgery token, run through the same registry and
/// publisher as the API, and answer with a redirect back (or a page that says what was refused).
/// </summary>
internal static class ModelsEndpoints
{
    internal static IResult Models(
        string? done, HttpContext http, ModelRegistry allModels, IModelRegistry tenantModels, ModelAccess access, TrafficRing ring)
    {
        var page = DashboardPage.Of(http);
        var cards = page.Models(allModels, tenantModels).GetModels().OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => Card(m, page.Viewer, access)).ToList();
        var traffic = ring.Read(TrafficViews.Visible(page.Viewer), TrafficRing.Seconds, 60).By(TrafficSeriesKind.Model);
        string chart = SvgCharts.Bars("chart-model-requests", "Requests per model, last hour",
            "Requests to each model in the last hour, from the gateway's traffic ring.",
            [.. traffic.Take(12).Select(t => new ChartBar(t.Name, t.Steps.TotalRequests))], "requests");
        return page.Show<ModelsPage>(new ModelsModel(page.Request, cards, chart, done is { Length: <= 200 } ? done : null));
    }

    private static ModelCardView Card(ModelInfo model, DashboardViewer viewer, ModelAccess access)
    {
        var listing = access.Find(model.Name);
        string owner = access.OwnerOf(model.Name);
        bool manage = viewer.IsOperator || owner == viewer.Tenant;
        string visibility = listing is null ? (access.MarkedOwner(model.Name) is null ? "public (bundled)" : "private") : listing.Visibility.ToString().ToLowerInvariant();
        return new ModelCardView(
            model.Name,
            model.Config?.Task,
            model.Config?.Description,
            owner,
            visibility,
            model.DefaultVersion,
            model.IsReady,
            model.Reason,
            manage,
            listing is not null && manage,
            manage && listing is not null ? listing.SharedWith : [],
            [.. model.Versions.Select(v => new VersionView(v.Version, v.State.ToString(), v.IsReady, v.Reason, v.Platform, v.LoadedAt, CardFacts.From(v.Card)))],
            model.LoadsOnFirstRequest);
    }

    internal static async Task<IResult> ActionAsync(HttpContext http, ModelRegistry allModels, IModelRegistry tenantModels, ModelAccess access, ModelVersionPolicies policies)
    {
        var page = DashboardPage.Of(http);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        string name = form["name"].ToString();
        string action = form["action"].ToString();
        string versionText = form["version"].ToString();
        long? version = long.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v > 0 ? v : null;
        var viewer = page.Viewer;
        var registry = page.Models(allModels, tenantModels);
        if (name.Length == 0 || registry.GetModel(name) is null)
        {
            return page.Message(StatusCodes.Status404NotFound, "Unknown model", $"There is no model '{name}' this key may see.");
        }

        if (!viewer.IsOperator && !access.IsOwner(viewer.Tenant, name))
        {
            return page.Message(StatusCodes.Status403Forbidden, "Not your model", $"Only the owner of '{name}' (tenant {access.OwnerOf(name)}) or the operator may change it.");
        }

        Error? error = action switch
        {
            "load" when version is { } x => (await registry.LoadVersionAsync(name, x, http.RequestAborted)).ErrorOrNull(),
            "load" => (await registry.LoadModelAsync(name, http.RequestAborted)).ErrorOrNull(),
            "unload" when version is { } x => (await registry.UnloadVersionAsync(name, x, http.RequestAborted)).ErrorOrNull(),
            "unload" => (await registry.UnloadModelAsync(name, http.RequestAborted)).ErrorOrNull(),
            // Through the stored policies, as /v2's default endpoint: the operator's view is the raw registry, whose pin
            // alone would hold on this replica until its restart.
            "default" when versionText.Length == 0 || version is not null => (await policies.PinAsync(name, version, http.RequestAborted)).ErrorOrNull(),
            _ => new Error(ErrorCode.InvalidRequest, "the action must be load, unload or default, with an optional positive version"),
        };
        return error is null
            ? TypedResults.Redirect($"/dashboard/models?done={Uri.EscapeDataString($"{action} {name}{(version is { } d ? $" version {d}" : "")}: done")}")
            : page.Refused(error);
    }

    internal static async Task<IResult> ShareAsync(HttpContext http, ModelPublisher publisher, ModelAccess access)
    {
        var page = DashboardPage.Of(http);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        string name = form["name"].ToString();
        string grantee = form["tenant"].ToString().Trim();
        bool share = form["action"] != "unshare";
        var viewer = page.Viewer;
        if (name.Length == 0 || grantee.Length == 0 || (!viewer.IsOperator && !access.CanSee(viewer.Tenant, name)))
        {
            return page.Message(StatusCodes.Status400BadRequest, "Refused", "Give a model you own and a tenant to share it with.");
        }

        // The operator acts for the owner; a tenant admin acts for itself, and the publisher refuses a model it does not own.
        string actor = viewer.IsOperator ? access.OwnerOf(name) : viewer.Tenant;
        var result = await publisher.ShareAsync(actor, name, grantee, share, http.RequestAborted);
        return result.TryGetValue(out _, out var error)
            ? TypedResults.Redirect($"/dashboard/models?done={Uri.EscapeDataString($"{(share ? "shared" : "withdrew share of")} {name} {(share ? "with" : "from")} {grantee}")}")
            : page.Refused(error);
    }

    private static Error? ErrorOrNull<T>(this Result<T> result) => result.TryGetValue(out _, out var error) ? null : error;
}

/// <summary>A model as the models page shows it.</summary>
public sealed record ModelCardView(
    string Name, string? Task, string? Description, string Owner, string Visibility, long? DefaultVersion, bool IsReady, string? Reason,
    bool CanManage, bool CanShare, IReadOnlyList<string> SharedWith, IReadOnlyList<VersionView> Versions, bool LoadsOnFirstRequest = false);

/// <summary>One version with its card's facts.</summary>
public sealed record VersionView(long Version, string State, bool IsReady, string? Reason, string? Platform, DateTimeOffset? LoadedAt, CardFacts Card);

/// <summary>What the models page shows.</summary>
public sealed record ModelsModel(DashboardRequest Request, IReadOnlyList<ModelCardView> Models, string RequestsChart, string? Done);
