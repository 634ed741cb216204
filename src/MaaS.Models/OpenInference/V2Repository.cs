namespace MaaS.Models.OpenInference;

/// <summary>Body of <c>POST /v2/repository/index</c>; optional, as Triton's clients often send none.</summary>
internal sealed record V2RepositoryIndexRequest
{
    /// <summary>When true, list only ready versions.</summary>
    public bool? Ready { get; set => field = V2NullCheck.Note(value, "ready", ref _null); }

    /// <summary>The member the JSON gave as null (never a value here), or null.</summary>
    internal string? NullMember => _null;

    private string? _null;
}

/// <summary>One row of the repository index.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version, when known.</param>
/// <param name="State">READY, UNAVAILABLE, LOADING or UNLOADING; absent when never loaded.</param>
/// <param name="Reason">Why it is not ready.</param>
internal sealed record V2RepositoryIndexEntry(string Name, string? Version, string? State, string? Reason);

/// <summary>
/// Body of <c>POST /v2/repository/models/{name}/default</c> (MaaS extension: rollback and canary), read by
/// <see cref="V2VersionPolicyJson"/>; this record documents its shape. A member left out is kept.
/// </summary>
/// <param name="Version">Version to serve by default; null returns to model.json's default or the highest ready version.</param>
/// <param name="Canary">A version that takes a share of the unversioned requests; null ends the canary.</param>
internal sealed record V2SetDefaultVersionRequest(long? Version, V2CanaryRequest? Canary = null);

/// <summary>A canary of <see cref="V2SetDefaultVersionRequest"/>.</summary>
/// <param name="Version">The canary version: loaded, ready, not the default.</param>
/// <param name="Percent">Share of the unversioned requests, 1..99.</param>
internal sealed record V2CanaryRequest(long Version, int Percent);
