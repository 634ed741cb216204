using System.ComponentModel.DataAnnotations;

namespace MaaS.Services.Keys;

/// <summary>Default per-key limits.</summary>
public sealed class RateLimitDefaults
{
    /// <summary>Token bucket refill, requests per second. Default 100.</summary>
    [Range(0.01, 1_000_000)]
    public double RequestsPerSecond { get; set; } = 100;

    /// <summary>Token bucket size: requests allowed in one burst. Default 200.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 200;

    /// <summary>Requests of one key in flight at once. Default 32.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentRequests { get; set; } = 32;
}
