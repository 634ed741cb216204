namespace MaaS.Services.Agents;

/// <summary>Agent service log messages (stable event ids 4100-4199). Tenants and agent names are operator data, not personal.</summary>
internal static partial class AgentLog
{
    [LoggerMessage(4100, LogLevel.Information, "Agent {Tenant}/{Agent} v{Version} loaded: {Learnt} rewards replayed from the log in {Seconds:F2} s")]
    public static partial void Loaded(ILogger logger, string tenant, string agent, long version, long learnt, double seconds);

    [LoggerMessage(4101, LogLevel.Warning, "Agent reward sweep of {Tenant}/{Agent} failed: {Message}")]
    public static partial void SweepFailed(ILogger logger, string tenant, string agent, string message);

    [LoggerMessage(4102, LogLevel.Debug, "Agent {Tenant}/{Agent}: {Count} decisions given the default reward")]
    public static partial void Defaulted(ILogger logger, string tenant, string agent, int count);
}
