namespace MaaS.Services.Recommendations.Events;

/// <summary>
/// How long events are kept (configuration section <c>Retention</c>). An event older than its tenant's maximum age is
/// deleted by <see cref="EventRetention"/> in the background and leaves the recommendation index at its next build.
/// </summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Maximum event age for every tenant (e.g. <c>365.00:00:00</c>); null keeps events forever.</summary>
    public TimeSpan? MaxEventAge { get; set; }

    /// <summary>Per-tenant maximum age, overriding <see cref="MaxEventAge"/> (tenants have no settings store of their own).</summary>
    public Dictionary<string, TimeSpan> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Time between purge passes (default 10 minutes; at least 0.1 s).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Events deleted per transaction (default 5,000; 1..10,000): a batch holds SQLite's one writer for one short commit.</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>The maximum age of <paramref name="tenant"/>'s events; null when they are kept forever.</summary>
    public TimeSpan? MaxAgeOf(string tenant) => Tenants.TryGetValue(tenant, out var age) ? age : MaxEventAge;
}
