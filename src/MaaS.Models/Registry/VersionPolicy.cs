namespace MaaS.Models.Registry;

/// <summary>
/// Which version a model's unversioned requests go to: the pinned default (a rollback; null: model.json's default or
/// the newest ready version) and optionally a canary that takes a share of them. An explicit version is never
/// redirected. Immutable.
/// </summary>
/// <param name="DefaultVersion">Pinned default version, or null for the automatic one.</param>
/// <param name="Canary">The canary, or null.</param>
public sealed record VersionPolicy(long? DefaultVersion, VersionCanary? Canary)
{
    /// <summary>No pin, no canary.</summary>
    public static VersionPolicy None { get; } = new(null, null);

    /// <summary>Whether the policy says nothing (the model serves its automatic default alone).</summary>
    public bool IsEmpty => DefaultVersion is null && Canary is null;
}

/// <summary>A canary: <paramref name="Percent"/> of a model's unversioned requests go to <paramref name="Version"/>.</summary>
/// <param name="Version">The canary version.</param>
/// <param name="Percent">1..99.</param>
public sealed record VersionCanary(long Version, int Percent)
{
    /// <summary>The share of requests (percent) a canary may take, inclusive.</summary>
    public const int MinPercent = 1, MaxPercent = 99;

    /// <summary>
    /// Whether a request drawn at <paramref name="draw"/> (0..99) goes to the canary: the lowest
    /// <see cref="Percent"/> draws do.
    /// </summary>
    public bool Takes(int draw) => draw < Percent;

    /// <summary>
    /// The draw of a sequence (0..99): the same for every request of the sequence, so it stays on one version for its
    /// life, and spread evenly over sequence ids (a SplitMix64 finaliser of the number, FNV-1a of a text id).
    /// </summary>
    public static int DrawOf(ulong number, string? text)
    {
        ulong x = number;
        if (text is not null)
        {
            x = 14695981039346656037UL;
            foreach (char c in text)
            {
                x = (x ^ c) * 1099511628211UL;
            }
        }

        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (int)(x % 100);
    }
}

/// <summary>A model's policy as the registry applies it now.</summary>
/// <param name="Policy">The policy set (persisted where the host stores it).</param>
/// <param name="CanaryFallback">
/// Why the canary takes no requests now (its version not ready, unloaded, or the default itself): its share goes to
/// the default meanwhile. Null while it serves, or without a canary.
/// </param>
public sealed record VersionPolicyState(VersionPolicy Policy, string? CanaryFallback);
