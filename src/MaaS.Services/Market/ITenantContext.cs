namespace MaaS.Services.Market;

/// <summary>
/// The tenant the current call acts for, supplied by the host (the gateway reads it from the authenticated API key).
/// Null outside a tenant's call (startup, polling, metrics), which sees every model.
/// </summary>
internal interface ITenantContext
{
    string? Tenant { get; }
}
