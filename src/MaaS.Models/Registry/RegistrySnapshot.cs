using System.Collections.Immutable;

namespace MaaS.Models.Registry;

/// <summary>The registry's published runtime state: immutable, replaced as a whole (YARP style).</summary>
internal sealed record RegistrySnapshot(ImmutableSortedDictionary<string, ModelSlot> Models)
{
    public static readonly RegistrySnapshot Empty = new(ImmutableSortedDictionary.Create<string, ModelSlot>(StringComparer.Ordinal));
}

/// <summary>
/// One model in a snapshot. <see cref="Config"/> is the model.json in effect; <see cref="ConfigText"/> and
/// <see cref="ConfigError"/> are what was last read from disk. Both errors and a config mean a refused reload: the
/// last good settings serve until the file is fixed. <see cref="Pending"/>: a lazy model whose first request has not
/// come yet; its versions are listed Unavailable until then. <see cref="DefaultOverride"/> and <see cref="Canary"/> are the
/// model's <see cref="VersionPolicy"/>, which the registry lays over every slot it publishes.
/// </summary>
internal sealed record ModelSlot(
    string Name,
    ModelConfig? Config,
    string? ConfigText,
    string? ConfigError,
    ImmutableSortedDictionary<long, VersionSlot> Versions,
    long? DefaultOverride,
    bool Pending = false,
    VersionCanary? Canary = null)
{
    /// <summary>Why a pending lazy model's versions are not ready.</summary>
    public const string PendingReason = "not loaded yet: load policy lazy, loads on its first request";

    public static ImmutableSortedDictionary<long, VersionSlot> NoVersions { get; } = ImmutableSortedDictionary<long, VersionSlot>.Empty;

    /// <summary>The config error when it keeps the model from serving (no model.json was ever in effect).</summary>
    public string? LoadError => Config is null ? ConfigError : null;

    /// <summary>The version unversioned requests go to: the override, model.json's default, or the highest ready one.</summary>
    public long? ResolveDefault()
    {
        if (DefaultOverride is long pinned)
        {
            return pinned;
        }

        if (Config?.DefaultVersion is long configured)
        {
            return configured;
        }

        long? highest = null;
        foreach (var (version, slot) in Versions)
        {
            if (slot.State == ModelVersionState.Ready)
            {
                highest = version;
            }
        }

        return highest;
    }
}

/// <summary>
/// One version in a snapshot; <see cref="Runtime"/> is set exactly when <see cref="State"/> is Ready.
/// <see cref="FailedFingerprint"/> is set when a load failed: polling retries the version once its files change
/// (a copy that was still being written when first seen).
/// </summary>
internal sealed record VersionSlot(long Version, ModelVersionState State, string? Reason, ModelVersionRuntime? Runtime, string? FailedFingerprint = null)
{
    public static VersionSlot Unavailable(long version, string reason) => new(version, ModelVersionState.Unavailable, reason, null);
}
