namespace MaaS.Models.Registry;

/// <summary>
/// A request's change to a model's <see cref="VersionPolicy"/>: the members it sets, the others kept. Pinning the
/// canary's version without naming a canary promotes it (the canary ends).
/// </summary>
/// <param name="SetsVersion">Whether the request sets the pinned default.</param>
/// <param name="Version">The pin (null unpins), when <paramref name="SetsVersion"/>.</param>
/// <param name="SetsCanary">Whether the request sets the canary.</param>
/// <param name="Canary">The canary (null ends it), when <paramref name="SetsCanary"/>.</param>
public sealed record VersionPolicyChange(bool SetsVersion, long? Version, bool SetsCanary, VersionCanary? Canary)
{
    /// <summary>The policy after the change.</summary>
    public VersionPolicy ApplyTo(VersionPolicy current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (!SetsCanary)
        {
            return SetsVersion ? ModelRegistry.PinnedPolicy(current, Version) : current;
        }

        return new VersionPolicy(SetsVersion ? Version : current.DefaultVersion, Canary);
    }
}
