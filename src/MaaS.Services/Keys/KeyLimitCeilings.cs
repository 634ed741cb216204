using System.ComponentModel.DataAnnotations;

namespace MaaS.Services.Keys;

/// <summary>
/// The operator's ceilings on per-key limits (section <c>Auth:KeyLimitCeilings</c>). <c>POST /v1/keys</c> refuses
/// limits above them (400 naming the ceiling), the operator tenant's admins included: raising a ceiling is a change of
/// configuration, not an API call. Keys stored with higher limits (before a ceiling was lowered, or by <c>maas keys
/// create</c>) run clamped to them. Each ceiling must be at least its default in <see cref="RateLimitDefaults"/>.
/// </summary>
public sealed class KeyLimitCeilings
{
    /// <summary>Section path, for messages (the gateway binds it below its <c>Auth</c> section).</summary>
    public const string Path = "Auth:KeyLimitCeilings";

    /// <summary>Highest token bucket refill a key may have, requests per second. Default 1,000.</summary>
    [Range(0.01, 1_000_000)]
    public double RequestsPerSecond { get; set; } = 1_000;

    /// <summary>Largest token bucket a key may have. Default 2,000.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 2_000;

    /// <summary>Most requests in flight a key may have. Default 256.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentRequests { get; set; } = 256;

    /// <summary>Every requested limit above its ceiling, one sentence each; empty when all are within.</summary>
    public IReadOnlyList<string> Violations(double? requestsPerSecond, int? burst, int? maxConcurrentRequests)
    {
        var problems = new List<string>();
        Check(problems, "requestsPerSecond", requestsPerSecond, RequestsPerSecond, nameof(RequestsPerSecond));
        Check(problems, "burst", burst, Burst, nameof(Burst));
        Check(problems, "maxConcurrentRequests", maxConcurrentRequests, MaxConcurrentRequests, nameof(MaxConcurrentRequests));
        return problems;
    }

    private static void Check(List<string> problems, string field, double? requested, double ceiling, string setting)
    {
        if (requested > ceiling)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"limits.{field} {requested:R} is above the operator's ceiling {ceiling:R} ({Path}:{setting})"));
        }
    }
}
