namespace MaaS.Services.Keys;

/// <summary>
/// Configured per-key limits, bound twice by the gateway: the defaults a key without its own runs under
/// (<c>Auth:RateLimits</c>) and the operator's ceilings on any key's limits (<c>Auth:KeyLimitCeilings</c>). The
/// defaults each side starts from are set where it is declared; the ranges are the same for both.
/// </summary>
public sealed class KeyLimitsOptions
{
    /// <summary>Token bucket refill, requests per second.</summary>
    [Range(0.01, 1_000_000)]
    public double RequestsPerSecond { get; set; }

    /// <summary>Token bucket size: requests allowed in one burst.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; }

    /// <summary>Requests of one key in flight at once.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentRequests { get; set; }

    /// <summary>The limits as bound.</summary>
    public KeyLimits Values => new(RequestsPerSecond, Burst, MaxConcurrentRequests);
}
