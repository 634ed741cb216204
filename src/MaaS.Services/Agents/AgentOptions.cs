namespace MaaS.Services.Agents;

/// <summary>Settings of the agent service (section <c>Agents</c>); checked at start by <see cref="AgentOptionsValidator"/>.</summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agents";

    /// <summary>How often closed reward windows are swept, in seconds (default 1).</summary>
    public double SweepSeconds { get; set; } = 1;

    /// <summary>A loaded agent is snapshotted once this process has learnt this many rewards since its last snapshot (default 10,000; 1..10,000,000).</summary>
    public int SnapshotEveryRewards { get; set; } = 10_000;

    /// <summary>…or once this many seconds have passed since then with any reward learnt (default 60; 0.05..86,400).</summary>
    public double SnapshotSeconds { get; set; } = 60;

    /// <summary>How long logged decisions are kept (see <see cref="AgentRetentionOptions"/>).</summary>
    public AgentRetentionOptions Retention { get; set; } = new();
}

/// <summary>
/// Decision-log retention (section <c>Agents:Retention</c>), an operator setting like the events' <c>Retention</c>: a
/// per-agent setting in the definition would make changing it a redefinition, which drops the snapshots and relearns.
/// </summary>
public sealed class AgentRetentionOptions
{
    /// <summary>The longest a decision is kept for every tenant (e.g. <c>30.00:00:00</c>); null keeps the log whole.</summary>
    public TimeSpan? MaxDecisionAge { get; set; }

    /// <summary>Per-tenant maximum age, overriding <see cref="MaxDecisionAge"/>.</summary>
    public Dictionary<string, TimeSpan> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Time between retention passes over the loaded agents (default 10 minutes; at least 0.05 s).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Decisions deleted per transaction (default 5,000; 1..10,000): a batch holds SQLite's one writer for one short commit.</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>The maximum age of <paramref name="tenant"/>'s decisions; null when they are kept.</summary>
    public TimeSpan? MaxAgeOf(string tenant) => Tenants.TryGetValue(tenant, out var age) ? age : MaxDecisionAge;
}

/// <summary>Reports every out-of-range agent setting at once.</summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!(options.SweepSeconds is >= 0.05 and <= 86_400))
        {
            problems.Add($"Agents:SweepSeconds must be 0.05..86400, got {options.SweepSeconds}.");
        }
        if (options.SnapshotEveryRewards is < 1 or > 10_000_000)
        {
            problems.Add($"Agents:SnapshotEveryRewards must be 1..10000000, got {options.SnapshotEveryRewards}.");
        }
        if (!(options.SnapshotSeconds is >= 0.05 and <= 86_400))
        {
            problems.Add($"Agents:SnapshotSeconds must be 0.05..86400, got {options.SnapshotSeconds}.");
        }
        AgentRetentionOptions retention = options.Retention;
        if (retention.MaxDecisionAge is { } age && age <= TimeSpan.Zero)
        {
            problems.Add($"Agents:Retention:MaxDecisionAge must be positive, got {age}.");
        }
        foreach (var (tenant, tenantAge) in retention.Tenants)
        {
            if (tenantAge <= TimeSpan.Zero)
            {
                problems.Add($"Agents:Retention:Tenants:{tenant} must be positive, got {tenantAge}.");
            }
        }
        if (retention.Interval < TimeSpan.FromSeconds(0.05))
        {
            problems.Add($"Agents:Retention:Interval must be at least 0.05 s, got {retention.Interval}.");
        }
        if (retention.BatchSize is < 1 or > 10_000)
        {
            problems.Add($"Agents:Retention:BatchSize must be 1..10000, got {retention.BatchSize}.");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
