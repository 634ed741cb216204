using System.Threading.RateLimiting;

namespace MaaS.Gateway.Security;

/// <summary>
/// Per-key limits with the framework's rate limiter: a token bucket (rate and burst) chained with a concurrency limit,
/// both partitioned by key id, so one key at ten times its rate is refused (429 with Retry-After) while every other
/// key keeps its own budget. Requests without a key identity (anonymous endpoints, auth switched off) are not limited
/// here; their costed work is, per client address, by <see cref="AdmissionControl"/>.
/// </summary>
internal static class RateLimitingExtensions
{
    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services)
    {
        // The request rate is its own limiter, shared with the gRPC stream, whose requests each take a token of it.
        var rate = new KeyRequestRate(PartitionedRateLimiter.Create<HttpContext, KeyPartition>(context =>
            Partition(context) is { } p
                ? RateLimitPartition.GetTokenBucketLimiter(p, TokenBucket)
                : RateLimitPartition.GetNoLimiter(KeyPartition.None)));
        services.AddSingleton(rate);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                rate.Limiter,
                PartitionedRateLimiter.Create<HttpContext, KeyPartition>(context =>
                    Partition(context) is { } p
                        ? RateLimitPartition.GetConcurrencyLimiter(p, k => new ConcurrencyLimiterOptions { PermitLimit = k.MaxConcurrent, QueueLimit = 0 })
                        : RateLimitPartition.GetNoLimiter(KeyPartition.None)));
            options.OnRejected = (context, _) => new ValueTask(SecurityResponses.WriteRateLimitedAsync(
                context.HttpContext,
                KeyLimits.ExceededDetail,
                context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter) ? retryAfter : TimeSpan.FromSeconds(ApiErrors.RetryAfterSeconds)));
        });
        return services;
    }

    private static KeyPartition? Partition(HttpContext context) =>
        context.Features.Get<ApiKeyIdentity>() is { Limits: { } limits } identity
            ? new KeyPartition(identity.KeyId, limits.RequestsPerSecond, limits.Burst, limits.MaxConcurrentRequests)
            : null;

    private static TokenBucketRateLimiterOptions TokenBucket(KeyPartition key)
    {
        // Refill in tenths of a second where the rate allows it, so a key's budget flows smoothly instead of in
        // one-second steps; slow rates refill one token per 1/rate seconds.
        var (period, tokens) = key.RequestsPerSecond >= 10
            ? (TimeSpan.FromMilliseconds(100), Math.Max(1, (int)Math.Round(key.RequestsPerSecond / 10)))
            : (TimeSpan.FromSeconds(1 / key.RequestsPerSecond), 1);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = key.Burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    /// <summary>A key's limiter partition; the limits are part of the key so changed limits get a fresh limiter.</summary>
    private readonly record struct KeyPartition(string KeyId, double RequestsPerSecond, int Burst, int MaxConcurrent)
    {
        public static KeyPartition None { get; } = new(string.Empty, 0, 0, 0);
    }
}

/// <summary>The per-key request rate (token bucket) of the global limiter, also taken by each request of a gRPC stream.</summary>
internal sealed record KeyRequestRate(PartitionedRateLimiter<HttpContext> Limiter);
