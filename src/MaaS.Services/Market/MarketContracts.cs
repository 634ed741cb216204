namespace MaaS.Services.Market;

/// <summary>A model in the market as one tenant sees it (<c>GET /v1/models</c>).</summary>
/// <param name="Name">Model name.</param>
/// <param name="Task">What it does.</param>
/// <param name="Description">Free text.</param>
/// <param name="Tags">Search tags.</param>
/// <param name="Labels">Output classes in output order.</param>
/// <param name="DefaultVersion">Version served when none is named.</param>
/// <param name="Ready">Whether the default version serves.</param>
/// <param name="Reason">Why not, if not.</param>
/// <param name="Versions">Every version with its card (metrics, data, training notes) and state.</param>
/// <param name="Owner">Owning tenant; null for bundled models.</param>
/// <param name="Visibility">private, tenant or public (bundled models are public).</param>
/// <param name="SharedWith">Tenants it is shared with; shown to the owner only.</param>
/// <param name="Policy">Its version policy: the pinned default and the canary.</param>
public sealed record MarketModel(
    string Name,
    string? Task,
    string? Description,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Labels,
    long? DefaultVersion,
    bool Ready,
    string? Reason,
    IReadOnlyList<ModelVersionSummary> Versions,
    string? Owner,
    string Visibility,
    IReadOnlyList<string>? SharedWith,
    ModelPolicySummary Policy);

/// <summary>A model's version policy (<c>POST /v2/repository/models/{name}/default</c> sets it; every replica follows it).</summary>
/// <param name="PinnedVersion">The pinned default version (a rollback); null: model.json's default or the newest ready version.</param>
/// <param name="Canary">The canary, or null.</param>
public sealed record ModelPolicySummary(long? PinnedVersion, ModelCanarySummary? Canary);

/// <summary>A canary: a share of the unversioned requests sent to another version.</summary>
/// <param name="Version">The canary version.</param>
/// <param name="Percent">Its share of the requests that name no version, 1..99.</param>
/// <param name="Serving">Whether it takes them now.</param>
/// <param name="Fallback">Why not, when it does not: its share goes to the default version meanwhile.</param>
public sealed record ModelCanarySummary(long Version, int Percent, bool Serving, string? Fallback);

/// <summary>One version of a model.</summary>
/// <param name="Version">Version number.</param>
/// <param name="State">Ready, Unavailable, Loading or Unloading.</param>
/// <param name="Ready">Loaded and healthy.</param>
/// <param name="Reason">Why not ready, if not.</param>
/// <param name="Platform">Runtime platform.</param>
/// <param name="LoadedAt">When it was loaded.</param>
/// <param name="Card">The version's model card (card.json).</param>
public sealed record ModelVersionSummary(long Version, string State, bool Ready, string? Reason, string? Platform, DateTimeOffset? LoadedAt, JsonElement? Card);

/// <summary>The answer to a successful upload.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">The new version number.</param>
/// <param name="Owner">Owning tenant.</param>
/// <param name="Visibility">private, tenant or public.</param>
public sealed record PublishResponse(string Name, long Version, string Owner, string Visibility);

/// <summary>A model's sharing state.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Visibility">private, tenant or public; shares take effect under <c>tenant</c> (public is seen by all anyway).</param>
/// <param name="SharedWith">Tenants it is shared with.</param>
public sealed record ShareResponse(string Name, string Visibility, IReadOnlyList<string> SharedWith);

/// <summary>One share of a model: the tenant it is shared with (<c>GET /v1/models/{name}/shares</c>).</summary>
/// <param name="Model">Model name.</param>
/// <param name="Tenant">The tenant the model is shared with; it sees the model while the model's visibility is <c>tenant</c>.</param>
public sealed record ModelShare(string Model, string Tenant);
