namespace MaaS.Storage.Abstractions;

/// <summary>
/// A model's version policy as stored, one row per model (bundled and published alike): the version its unversioned
/// requests go to and, optionally, a canary taking a share of them. A row with neither is no row (the model serves
/// model.json's default or its newest ready version).
/// </summary>
/// <param name="Name">Model name, as the registry knows it.</param>
/// <param name="DefaultVersion">Pinned default version (a rollback), or null for the automatic default.</param>
/// <param name="CanaryVersion">Version that takes <paramref name="CanaryPercent"/> of the unversioned requests, or null.</param>
/// <param name="CanaryPercent">1..99 with a canary, null without.</param>
/// <param name="UpdatedAt">Last change (UTC); set by the store.</param>
public sealed record ModelVersionPolicy(string Name, long? DefaultVersion, long? CanaryVersion, int? CanaryPercent, DateTimeOffset UpdatedAt = default)
{
    /// <summary>Whether the policy says nothing: storing it removes the row.</summary>
    public bool IsEmpty => DefaultVersion is null && CanaryVersion is null;
}
