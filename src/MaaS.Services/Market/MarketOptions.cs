namespace MaaS.Services.Market;

/// <summary>
/// The market's settings. The gateway fills them from its <c>Auth</c> section (<c>Auth:OperatorTenant</c>,
/// <c>Auth:CatalogueRefreshSeconds</c>), where they are validated.
/// </summary>
internal sealed class MarketOptions
{
    /// <summary>Tenant that owns the bundled models (those without a market listing). Default <c>default</c>.</summary>
    public string OperatorTenant { get; set; } = "default";

    /// <summary>How often the listings are re-read from the store (other replicas' changes), in seconds. Default 5.</summary>
    public double CatalogueRefreshSeconds { get; set; } = 5;
}
