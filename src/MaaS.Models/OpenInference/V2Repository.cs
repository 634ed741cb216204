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

/// <summary>Body of <c>POST /v2/repository/models/{name}/default</c> (MaaS extension: rollback).</summary>
/// <param name="Version">Version to serve by default; null returns to model.json's default or the highest ready version.</param>
internal sealed record V2SetDefaultVersionRequest(long? Version);
