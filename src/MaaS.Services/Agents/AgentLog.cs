namespace MaaS.Services.Agents;

/// <summary>Agent service log messages (stable event ids 4100-4199). Tenants and agent names are operator data, not personal.</summary>
internal static partial class AgentLog
{
    [LoggerMessage(4200, LogLevel.Information, "Agent {Tenant}/{Agent} v{Version} loaded from snapshot {Snapshot} (0: none): {Replayed} rewards replayed from the log, {Learnt} learnt in all, in {Seconds:F2} s")]
    public static partial void Loaded(ILogger logger, string tenant, string agent, long version, long snapshot, long replayed, long learnt, double seconds);

    [LoggerMessage(4201, LogLevel.Warning, "Agent reward sweep of {Tenant}/{Agent} failed: {Message}")]
    public static partial void SweepFailed(ILogger logger, string tenant, string agent, string message);

    [LoggerMessage(4202, LogLevel.Debug, "Agent {Tenant}/{Agent}: {Count} decisions given the default reward")]
    public static partial void Defaulted(ILogger logger, string tenant, string agent, int count);

    // 4103-4108 are the job runner's (JobRunner); the agents' later messages start at 4190.
    [LoggerMessage(4290, LogLevel.Information, "Agent {Tenant}/{Agent} v{Version}: snapshot {Snapshot} stored, {Learnt} newly learnt decisions, {Bytes} bytes")]
    public static partial void Snapshotted(ILogger logger, string tenant, string agent, long version, long snapshot, int learnt, int bytes);

    [LoggerMessage(4291, LogLevel.Warning, "Agent {Tenant}/{Agent}: snapshot {Snapshot} of format {Format} is unreadable (this build reads format {Expected}); the whole log is replayed instead")]
    public static partial void SnapshotUnreadable(ILogger logger, string tenant, string agent, long snapshot, int format, int expected);

    [LoggerMessage(4292, LogLevel.Warning, "Agent {Tenant}/{Agent}: snapshot failed: {Message}")]
    public static partial void SnapshotFailed(ILogger logger, string tenant, string agent, string message);

    [LoggerMessage(4293, LogLevel.Information, "Agent {Tenant}/{Agent}: retention deleted {Count} decisions")]
    public static partial void Pruned(ILogger logger, string tenant, string agent, long count);

    [LoggerMessage(4294, LogLevel.Warning, "Agent {Tenant}/{Agent}: retention failed: {Message}")]
    public static partial void PruneFailed(ILogger logger, string tenant, string agent, string message);
}
