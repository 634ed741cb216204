namespace MaaS.Services.Agents;

/// <summary>The bounds every agent request is checked against.</summary>
public static class AgentLimits
{
    public const int MaxFeatures = 256;
    public const int MaxActions = 256;
    public const int MaxRules = 128;
    public const int MaxRuleLength = 1024;
    public const int MaxIdLength = 128;
    /// <summary>Slots of one multi-slot decide (and never more than its candidates).</summary>
    public const int MaxSlots = 32;
    public const int MaxOutcomesPerBatch = 10_000;
    public const int MaxEvaluated = 100_000;
    public const double MaxRewardWindowSeconds = 7 * 24 * 3600;

    /// <summary>Decisions per loaded agent kept in memory for their outcome (at most ~2 KB each at 256 features); older ones are read from the log.</summary>
    public const int RecentDecisions = 8_192;

    /// <summary>The dimension of a shared model, (context + 1)(action + 1), is bounded so one update stays O(d²) ≈ 1M multiplies.</summary>
    public const int MaxSharedDimension = 1024;
}
