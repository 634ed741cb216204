namespace MaaS.Services.Keys;

/// <summary>The limits a key runs under.</summary>
public readonly record struct EffectiveLimits(double RequestsPerSecond, int Burst, int MaxConcurrentRequests)
{
    /// <summary>
    /// Stored limits over the configured defaults, held to the operator's ceilings: a key stored above them (before a
    /// ceiling was lowered, or by the CLI, which writes to the store directly) runs at the ceiling.
    /// </summary>
    public static EffectiveLimits From(ApiKeyLimits stored, RateLimitDefaults defaults, KeyLimitCeilings ceilings) => new(
        Math.Min(stored.RequestsPerSecond ?? defaults.RequestsPerSecond, ceilings.RequestsPerSecond),
        Math.Min(stored.Burst ?? defaults.Burst, ceilings.Burst),
        Math.Min(stored.MaxConcurrentRequests ?? defaults.MaxConcurrentRequests, ceilings.MaxConcurrentRequests));
}
