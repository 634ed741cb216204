namespace MaaS.Services.Keys;

/// <summary>
/// A key's three rate limits: token bucket refill (requests per second), bucket size (burst) and requests in flight.
/// The same three numbers are the configured defaults, the operator's ceilings and the limits a key runs under
/// (each bound from a <see cref="KeyLimitsOptions"/>), and what the dashboard shows.
/// </summary>
public readonly record struct KeyLimits(double RequestsPerSecond, int Burst, int MaxConcurrentRequests)
{
    /// <summary>Section path of the ceilings, for messages (the gateway binds it below its <c>Auth</c> section).</summary>
    public const string CeilingsPath = "Auth:KeyLimitCeilings";

    /// <summary>The refusal of a request over its key's limits, in every protocol (HTTP 429, gRPC RESOURCE_EXHAUSTED).</summary>
    public const string ExceededDetail = "this API key is over its request rate or concurrency limit";

    /// <summary>
    /// Stored limits over the configured defaults, held to the operator's ceilings: a key stored above them (before a
    /// ceiling was lowered, or by the CLI, which writes to the store directly) runs at the ceiling.
    /// </summary>
    public static KeyLimits Effective(ApiKeyLimits stored, KeyLimits defaults, KeyLimits ceilings) => new(
        Math.Min(stored.RequestsPerSecond ?? defaults.RequestsPerSecond, ceilings.RequestsPerSecond),
        Math.Min(stored.Burst ?? defaults.Burst, ceilings.Burst),
        Math.Min(stored.MaxConcurrentRequests ?? defaults.MaxConcurrentRequests, ceilings.MaxConcurrentRequests));

    /// <summary>
    /// These as ceilings: every requested limit above its ceiling, as a problem of the keys API's field
    /// (<c>limits.burst</c>) that names the ceiling and its setting; empty when all are within.
    /// </summary>
    public IReadOnlyList<FieldProblem> Violations(double? requestsPerSecond, int? burst, int? maxConcurrentRequests)
    {
        var problems = new List<FieldProblem>();
        Check(problems, "requestsPerSecond", requestsPerSecond, RequestsPerSecond, nameof(RequestsPerSecond));
        Check(problems, "burst", burst, Burst, nameof(Burst));
        Check(problems, "maxConcurrentRequests", maxConcurrentRequests, MaxConcurrentRequests, nameof(MaxConcurrentRequests));
        return problems;
    }

    private static void Check(List<FieldProblem> problems, string field, double? requested, double ceiling, string setting)
    {
        if (requested > ceiling)
        {
            problems.Add(new FieldProblem(-1, $"limits.{field}", string.Create(CultureInfo.InvariantCulture,
                $"{requested:R} is above the operator's ceiling {ceiling:R} ({CeilingsPath}:{setting})")));
        }
    }
}
