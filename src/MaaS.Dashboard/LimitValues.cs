namespace MaaS.Dashboard;

/// <summary>A key's rate limits as the keys page shows them: refill per second, burst and requests in flight.</summary>
public sealed record LimitValues(double RequestsPerSecond, int Burst, int MaxConcurrentRequests);
